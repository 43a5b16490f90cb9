package io.alphadecay.api.run;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;

/** A training run as the API returns it. */
public record Run(
        UUID id,
        String name,
        RunState state,
        RunConfig config,
        Map<String, Object> provenance,
        Progress progress,
        int attempt,
        @JsonInclude(JsonInclude.Include.NON_NULL) Lease lease,
        String failureReason,
        Instant createdAt,
        Instant updatedAt,
        Instant startedAt,
        Instant finishedAt) {

    /** Whether an operator asked the run to stop and its worker has not yet. */
    public boolean cancelRequested() {
        return state == RunState.CANCEL_REQUESTED;
    }

    public record Progress(long step, long totalSteps, long tokensSeen, Double etaSeconds, double fraction) {}

    public record Lease(String owner, Instant expiresAt) {}
}
