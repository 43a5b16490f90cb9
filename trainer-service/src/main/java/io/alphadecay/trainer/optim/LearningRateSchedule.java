package io.alphadecay.trainer.optim;

import java.util.Locale;

/**
 * Linear warmup from 0 to the peak over warmupSteps, then a decay to minLrRatio × peak at totalSteps. Steps are
 * numbered from 1: {@code at(s)} is the rate of the s-th optimizer step, so step 1 already learns and the last
 * step uses the floor.
 */
public record LearningRateSchedule(double peak, int warmupSteps, int totalSteps, double minLrRatio, Decay decay) {

    /** Shape after warmup; CONSTANT stays at the peak. */
    public enum Decay {
        COSINE,
        LINEAR,
        CONSTANT;

        public static Decay parse(String name) {
            String key = name == null ? "" : name.trim().toUpperCase(Locale.ROOT);
            for (Decay decay : values()) {
                if (decay.name().equals(key)) {
                    return decay;
                }
            }
            throw new IllegalArgumentException("unknown schedule '" + name + "', expected cosine, linear or constant");
        }
    }

    public LearningRateSchedule {
        if (!(peak >= 0 && Double.isFinite(peak))) {
            throw new IllegalArgumentException("peak learning rate must be finite and >= 0, was " + peak);
        }
        if (totalSteps < 1 || warmupSteps < 0 || warmupSteps > totalSteps) {
            throw new IllegalArgumentException("need 0 <= warmupSteps <= totalSteps and totalSteps >= 1, got "
                    + warmupSteps + " and " + totalSteps);
        }
        if (!(minLrRatio >= 0 && minLrRatio <= 1)) {
            throw new IllegalArgumentException("minLrRatio must be in [0, 1], was " + minLrRatio);
        }
        if (decay == null) {
            throw new IllegalArgumentException("decay is required");
        }
    }

    /** Cosine decay, the default of the paper's training scripts. */
    public static LearningRateSchedule cosine(double peak, int warmupSteps, int totalSteps, double minLrRatio) {
        return new LearningRateSchedule(peak, warmupSteps, totalSteps, minLrRatio, Decay.COSINE);
    }

    public double at(long step) {
        if (step < 1) {
            throw new IllegalArgumentException("steps are numbered from 1, got " + step);
        }
        if (step <= warmupSteps) {
            return peak * step / warmupSteps;
        }
        if (decay == Decay.CONSTANT || totalSteps == warmupSteps) {
            return peak;
        }
        double progress = Math.min(1.0, (double) (step - warmupSteps) / (totalSteps - warmupSteps));
        double shape = decay == Decay.COSINE ? 0.5 * (1.0 + Math.cos(Math.PI * progress)) : 1.0 - progress;
        return peak * (minLrRatio + (1.0 - minLrRatio) * shape);
    }
}
