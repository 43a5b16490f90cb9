package io.alphadecay.api.run;

import java.util.Set;

/** The life of a run. Terminal states have no way out. */
public enum RunState {
    QUEUED,
    RUNNING,
    CANCEL_REQUESTED,
    SUCCEEDED,
    FAILED,
    CANCELLED;

    public boolean terminal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }

    public boolean mayBecome(RunState next) {
        return switch (this) {
            case QUEUED -> Set.of(RUNNING, CANCELLED).contains(next);
            case RUNNING -> Set.of(SUCCEEDED, FAILED, CANCEL_REQUESTED, QUEUED).contains(next);
            // A worker may finish or fail just as the cancel request arrives.
            case CANCEL_REQUESTED -> Set.of(CANCELLED, SUCCEEDED, FAILED).contains(next);
            case SUCCEEDED, FAILED, CANCELLED -> false;
        };
    }
}
