package io.alphadecay.api.metric;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

/** One value of one series at one step; {@code time} is set by the server. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MetricPoint(
        @NotNull @Pattern(regexp = MetricPoint.NAME, message = "must match " + MetricPoint.NAME)
        String name,

        @NotNull @Min(0) @Max(Long.MAX_VALUE / 2) Long step,
        @NotNull Double value,
        Instant time) {

    public static final String NAME = "[A-Za-z_][A-Za-z0-9_.:-]{0,63}";

    /** A point as a worker sends it: the server stamps the time. */
    public MetricPoint(String name, long step, double value) {
        this(name, Long.valueOf(step), Double.valueOf(value), null);
    }
}
