package io.alphadecay.api.client;

import java.util.Optional;

import io.alphadecay.api.problem.Problem;

/** The service refused the call (4xx): sending it again unchanged will not help. Carries the problem+json answer. */
public sealed class Refused extends ApiCallException permits LeaseLost {

    private final int status;
    private final Problem problem;

    public Refused(String message, int status, Problem problem) {
        super(message);
        this.status = status;
        this.problem = problem;
    }

    public int status() {
        return status;
    }

    /** The problem+json body, when the answer had one. */
    public Optional<Problem> problem() {
        return Optional.ofNullable(problem);
    }

    /** The problem's own explanation, or the status when there is none: what a person should read. */
    public String detail() {
        return problem != null && problem.detail() != null ? problem.detail() : "HTTP " + status;
    }
}
