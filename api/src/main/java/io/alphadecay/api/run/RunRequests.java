package io.alphadecay.api.run;

import java.util.List;
import java.util.Map;

import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** Bodies of the worker and operator calls on a run. */
public final class RunRequests {

    public static final String WORKER_ID = "[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}";

    private RunRequests() {}

    /** A worker asks for the oldest queued run and says what it runs on. */
    public record Claim(
            @NotBlank @Pattern(regexp = WORKER_ID) String workerId,
            @Size(max = 32) Map<@Size(max = 100) String, @Size(max = 1000) String> provenance) {}

    /** A worker renews its lease and says how far it got. */
    public record Heartbeat(
            @NotBlank @Pattern(regexp = WORKER_ID) String workerId,
            @Min(0) Long step,
            @Min(0) Long tokensSeen,
            @DecimalMin("0") Double etaSeconds) {}

    /** A worker says how the run ended (or that it gives the run back to the queue). */
    public record StateReport(
            @NotBlank @Pattern(regexp = WORKER_ID) String workerId,
            @NotNull RunState state,
            @Size(max = 4000) String reason,
            @Min(0) Long step) {}

    /** An operator asks a run to stop. */
    public record Cancel(@Size(max = 4000) String reason) {}

    /** An entry for the run's event log, from a worker or an operator. */
    public record NewEvent(
            @NotBlank @Pattern(regexp = "note|warning|error", message = "must be note, warning or error")
            String type,

            @NotBlank @Size(max = 4000) String message,
            @Size(max = 32) Map<String, Object> data) {}

    /** The answer of {@code GET /runs/{id}/events}: the events after a given id, oldest first. */
    public record EventList(List<RunEvent> events) {}

    /** One page of {@code GET /runs}, newest first; {@code nextCursor} is null on the last page. */
    public record Page(List<Run> items, String nextCursor) {}
}
