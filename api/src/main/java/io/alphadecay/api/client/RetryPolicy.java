package io.alphadecay.api.client;

import java.time.Duration;

/**
 * When a call that found its service {@link Unavailable} is sent again: up to {@code maxAttempts} attempts in all,
 * the pauses growing from {@code initialBackoff} by {@code multiplier} up to {@code maxBackoff}, and no new attempt
 * once {@code maxElapsed} has passed since the first. A {@code Retry-After} from the service replaces the computed
 * pause (never beyond {@code maxBackoff}). A refused call ({@link Refused}) is never sent again.
 */
public record RetryPolicy(
        int maxAttempts, Duration initialBackoff, double multiplier, Duration maxBackoff, Duration maxElapsed) {

    /** One attempt: for callers that retry at their own pace (heartbeats, metric flushes, claims). */
    public static final RetryPolicy NONE = new RetryPolicy(1, Duration.ZERO, 1, Duration.ZERO, null);

    public RetryPolicy {
        if (maxAttempts < 1 || multiplier < 1 || initialBackoff.isNegative() || maxBackoff.isNegative()) {
            throw new IllegalArgumentException("a retry policy needs at least one attempt, a multiplier of at least "
                    + "1 and pauses that are not negative");
        }
    }

    /** {@code attempts} in all, pauses doubling from {@code initialBackoff} up to 30 s. */
    public static RetryPolicy attempts(int attempts, Duration initialBackoff) {
        return new RetryPolicy(attempts, initialBackoff, 2, Duration.ofSeconds(30), null);
    }

    /** As many attempts as fit in {@code patience}, pauses doubling from 1 s up to 30 s. */
    public static RetryPolicy patience(Duration patience) {
        return new RetryPolicy(Integer.MAX_VALUE, Duration.ofSeconds(1), 2, Duration.ofSeconds(30), patience);
    }

    /** This policy with another cap on the pauses. */
    public RetryPolicy withMaxBackoff(Duration cap) {
        return new RetryPolicy(maxAttempts, initialBackoff, multiplier, cap, maxElapsed);
    }

    /** The pause before attempt {@code failed + 1}, after {@code failed} failed attempts. */
    Duration pause(int failed, Unavailable cause) {
        if (cause != null && cause.retryAfter().isPresent()) {
            return min(cause.retryAfter().get(), maxBackoff);
        }
        double millis = initialBackoff.toMillis() * Math.pow(multiplier, Math.max(0, failed - 1));
        return min(Duration.ofMillis((long) Math.min(millis, Long.MAX_VALUE / 2.0)), maxBackoff);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
