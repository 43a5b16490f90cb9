package io.alphadecay.api.client;

import java.time.Duration;
import java.util.Optional;

/**
 * The service could not be reached, failed (5xx) or is busy (429): the same call may succeed later. When the
 * service said when to come back ({@code Retry-After}), {@link #retryAfter()} has it.
 */
public final class Unavailable extends ApiCallException {

    private final Duration retryAfter;

    public Unavailable(String message) {
        this(message, null);
    }

    public Unavailable(String message, Duration retryAfter) {
        super(message);
        this.retryAfter = retryAfter;
    }

    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
