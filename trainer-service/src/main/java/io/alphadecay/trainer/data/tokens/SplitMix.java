package io.alphadecay.trainer.data.tokens;

/**
 * SplitMix64, written out so that batch offsets are the same on every JDK: {@code java.util.Random} and friends
 * keep their sequences but not necessarily their bounded-draw algorithms.
 */
final class SplitMix {

    private static final long GOLDEN = 0x9E3779B97F4A7C15L;
    private long state;

    SplitMix(long seed) {
        this.state = seed;
    }

    /** A generator for one (seed, index) pair, unrelated to the one for index + 1. */
    static SplitMix of(long seed, long index) {
        return new SplitMix(mix(mix(seed) ^ mix(index + GOLDEN)));
    }

    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    long nextLong() {
        state += GOLDEN;
        return mix(state);
    }

    /** Uniform in [0, bound), without modulo bias. */
    long nextLong(long bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound must be positive: " + bound);
        }
        long limit = Long.remainderUnsigned(-bound, bound); // 2^64 mod bound draws would be biased
        while (true) {
            long r = nextLong();
            if (Long.compareUnsigned(r, limit) >= 0) {
                return Long.remainderUnsigned(r, bound);
            }
        }
    }
}
