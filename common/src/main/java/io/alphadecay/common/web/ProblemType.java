package io.alphadecay.common.web;

import java.net.URI;

import org.springframework.http.HttpStatus;

/** One stable problem {@code type} per kind of error, so clients can branch on it instead of parsing text. */
public enum ProblemType {
    VALIDATION("validation-failed", HttpStatus.BAD_REQUEST, "Request validation failed"),
    MALFORMED("malformed-request", HttpStatus.BAD_REQUEST, "Malformed request"),
    UNAUTHENTICATED("unauthenticated", HttpStatus.UNAUTHORIZED, "Authentication required"),
    FORBIDDEN("forbidden", HttpStatus.FORBIDDEN, "Not allowed for this role"),
    NOT_FOUND("not-found", HttpStatus.NOT_FOUND, "Resource not found"),
    METHOD_NOT_ALLOWED("method-not-allowed", HttpStatus.METHOD_NOT_ALLOWED, "Method not allowed"),
    NOT_ACCEPTABLE("not-acceptable", HttpStatus.NOT_ACCEPTABLE, "Not acceptable"),
    UNSUPPORTED_MEDIA_TYPE("unsupported-media-type", HttpStatus.UNSUPPORTED_MEDIA_TYPE, "Unsupported media type"),
    INVALID_TRANSITION("invalid-state-transition", HttpStatus.CONFLICT, "Invalid state transition"),
    LEASE_LOST("lease-lost", HttpStatus.CONFLICT, "Lease not held by this worker"),
    IDEMPOTENCY_CONFLICT("idempotency-key-reused", HttpStatus.CONFLICT, "Idempotency key reused with another body"),
    PAYLOAD_TOO_LARGE("payload-too-large", HttpStatus.CONTENT_TOO_LARGE, "Request body too large"),
    UNPROCESSABLE_CHECKPOINT(
            "unprocessable-checkpoint", HttpStatus.UNPROCESSABLE_CONTENT, "Checkpoint cannot be analysed"),
    TOO_MANY_REQUESTS("too-many-requests", HttpStatus.TOO_MANY_REQUESTS, "Too many concurrent requests"),
    INTERNAL("internal-error", HttpStatus.INTERNAL_SERVER_ERROR, "Internal error");

    private static final String PREFIX = "urn:alphadecay:problem:";

    private final URI type;
    private final HttpStatus status;
    private final String title;

    ProblemType(String slug, HttpStatus status, String title) {
        this.type = URI.create(PREFIX + slug);
        this.status = status;
        this.title = title;
    }

    public URI type() {
        return type;
    }

    public HttpStatus status() {
        return status;
    }

    public String title() {
        return title;
    }
}
