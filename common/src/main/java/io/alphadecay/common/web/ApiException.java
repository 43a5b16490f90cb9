package io.alphadecay.common.web;

import java.util.List;

import io.alphadecay.api.problem.FieldError;

/** A failure the client can act on; rendered as problem+json by {@link ApiExceptionHandler}. */
public class ApiException extends RuntimeException {

    private final ProblemType problem;
    private final List<FieldError> errors;
    private final long retryAfterSeconds;

    public ApiException(ProblemType problem, String detail) {
        this(problem, detail, List.of());
    }

    public ApiException(ProblemType problem, String detail, List<FieldError> errors) {
        this(problem, detail, errors, 0);
    }

    private ApiException(ProblemType problem, String detail, List<FieldError> errors, long retryAfterSeconds) {
        super(detail);
        this.problem = problem;
        this.errors = List.copyOf(errors);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** A 429 whose response tells the client when to try again. */
    public static ApiException tooManyRequests(String detail, long retryAfterSeconds) {
        return new ApiException(ProblemType.TOO_MANY_REQUESTS, detail, List.of(), Math.max(1, retryAfterSeconds));
    }

    /** Seconds for a Retry-After header, or 0 for none. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    public static ApiException notFound(String what) {
        return new ApiException(ProblemType.NOT_FOUND, what + " not found");
    }

    public static ApiException invalid(String field, String message) {
        return new ApiException(
                ProblemType.VALIDATION, field + ": " + message, List.of(new FieldError(field, message)));
    }

    public static ApiException invalid(List<FieldError> errors) {
        String detail = errors.stream()
                .map(e -> e.field() + ": " + e.message())
                .reduce((a, b) -> a + "; " + b)
                .orElse("invalid request");
        return new ApiException(ProblemType.VALIDATION, detail, errors);
    }

    public ProblemType problem() {
        return problem;
    }

    public List<FieldError> errors() {
        return errors;
    }
}
