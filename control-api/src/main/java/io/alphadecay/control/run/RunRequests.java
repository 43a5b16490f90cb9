package io.alphadecay.control.run;

import java.util.Map;

import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** Bodies of the worker and operator calls on a run. */
final class RunRequests {

    static final String WORKER_ID = "[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}";

    private RunRequests() {
    }

    /** A worker asks for the oldest queued run and says what it runs on. */
    record Claim(@NotBlank @Pattern(regexp = WORKER_ID) String workerId,
            @Size(max = 32) Map<@Size(max = 100) String, @Size(max = 1000) String> provenance) {
    }

    record Heartbeat(@NotBlank @Pattern(regexp = WORKER_ID) String workerId, @Min(0) Long step,
            @Min(0) Long tokensSeen, @DecimalMin("0") Double etaSeconds) {
    }

    record StateReport(@NotBlank @Pattern(regexp = WORKER_ID) String workerId, @NotNull RunState state,
            @Size(max = 4000) String reason, @Min(0) Long step) {
    }

    record Cancel(@Size(max = 4000) String reason) {
    }

    record NewEvent(@NotBlank @Pattern(regexp = "note|warning|error", message = "must be note, warning or error") String type,
            @NotBlank @Size(max = 4000) String message, @Size(max = 32) Map<String, Object> data) {
    }
}
