package io.alphadecay.api.client;

import io.alphadecay.api.problem.Problem;

/**
 * A worker call on a run this worker no longer holds: its lease expired and another worker claimed the run, or the
 * run ended or is gone (409 or 404).
 */
public final class LeaseLost extends Refused {

    LeaseLost(Refused refused) {
        super(refused.getMessage(), refused.status(), refused.problem().orElse(null));
    }

    public LeaseLost(String message, int status, Problem problem) {
        super(message, status, problem);
    }
}
