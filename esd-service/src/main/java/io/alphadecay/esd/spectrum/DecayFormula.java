package io.alphadecay.esd.spectrum;

import java.util.Arrays;

/** Weight-decay assignment per module from the modules' α. */
public final class DecayFormula {

    private DecayFormula() {}

    /**
     * AlphaDecay: wd_m = wd0·[s1 + (s2 - s1)·(α_m - α_min)/(α_max - α_min)] over the finite α, so the most
     * heavy-tailed module (smallest α, strongest feature learning) gets the weakest decay s1·wd0 and the lightest
     * tail s2·wd0. A non-finite α gets NaN and takes no part in α_min and α_max; if every finite α is the same, each
     * gets s1·wd0.
     */
    public static double[] alphaDecay(double[] alphas, double wd0, double s1, double s2) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double alpha : alphas) {
            if (Double.isFinite(alpha)) {
                min = Math.min(min, alpha);
                max = Math.max(max, alpha);
            }
        }
        double range = max - min;
        double[] decays = new double[alphas.length];
        for (int m = 0; m < alphas.length; m++) {
            double alpha = alphas[m];
            if (!Double.isFinite(alpha)) {
                decays[m] = Double.NaN;
            } else if (range > 0) {
                decays[m] = wd0 * (s1 + (s2 - s1) * (alpha - min) / range);
            } else {
                decays[m] = wd0 * s1;
            }
        }
        return decays;
    }

    /** The same decay wd0 for each of {@code count} modules: the baseline AlphaDecay is compared with. */
    public static double[] uniform(int count, double wd0) {
        double[] decays = new double[count];
        Arrays.fill(decays, wd0);
        return decays;
    }
}
