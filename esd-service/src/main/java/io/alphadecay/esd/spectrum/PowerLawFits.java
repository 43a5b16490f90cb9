package io.alphadecay.esd.spectrum;

/**
 * Power-law estimators over an ascending eigenvalue spectrum.
 *
 * <p>Both follow AlphaDecay's and WeightWatcher's conventions index by index, so that a module's α is the same number
 * the Python training code would compute: the tail starting at index i holds the N - i largest values, ties with
 * xmin below i are not pulled in, and the KS distance compares the fitted CDF at the k-th tail value with k/n.
 */
public final class PowerLawFits {

    /** Eigenvalues at or below this are numerical zeros to WeightWatcher, and ks-mle ignores them (absolute). */
    static final double KS_MLE_THRESHOLD = 1e-5;

    private PowerLawFits() {}

    /**
     * Hill estimate with xmin at the median: i = floor(N/2), n = N - i, α = 1 + n / Σ_{j≥i} ln(λ_j / λ_i).
     * A zero xmin or a constant tail leaves α undefined (infinite sum or division by zero), reported as NaN.
     */
    public static PowerLawFit medianHill(double[] ascending) {
        int total = ascending.length;
        if (total == 0) {
            return PowerLawFit.none(Double.NaN, 0);
        }
        int start = total / 2;
        int n = total - start;
        double xmin = ascending[start];
        if (!(xmin > 0)) {
            return PowerLawFit.none(xmin, n);
        }
        double logSum = 0;
        for (int j = start; j < total; j++) {
            logSum += Math.log(ascending[j] / xmin);
        }
        if (!(logSum > 0)) {
            return PowerLawFit.none(xmin, n);
        }
        double alpha = 1 + n / logSum;
        double d = 0;
        for (int k = 0; k < n; k++) {
            double cdf = 1 - Math.pow(ascending[start + k] / xmin, 1 - alpha);
            d = Math.max(d, Math.abs(cdf - (double) k / n));
        }
        return new PowerLawFit(alpha, xmin, d, n);
    }

    /**
     * WeightWatcher's fit: every eigenvalue above {@link #KS_MLE_THRESHOLD} but the largest is tried as xmin, α is the
     * maximum-likelihood exponent of the values from there up, and the candidate with α > 1 and the smallest KS
     * distance wins (the smallest xmin on a tie, as numpy's argmin). NaN α when no candidate qualifies; a positive
     * finite log sum always gives α > 1, so only constant tails are passed over.
     */
    public static PowerLawFit ksMle(double[] ascending) {
        int first = 0;
        while (first < ascending.length && !(ascending[first] > KS_MLE_THRESHOLD)) {
            first++;
        }
        int m = ascending.length - first;
        if (m < 2) {
            return PowerLawFit.none(Double.NaN, 0);
        }
        // Logs once, so that each KS point costs one exp instead of a pow.
        double[] logs = new double[m];
        for (int j = 0; j < m; j++) {
            logs[j] = Math.log(ascending[first + j]);
        }
        int bestStart = -1;
        double bestAlpha = Double.NaN;
        double bestD = Double.POSITIVE_INFINITY;
        // tail = Σ_{j≥i} (logs[j] - logs[i]), grown from the top in O(1) per candidate. Every added term is >= 0 on a
        // sorted spectrum, so unlike "suffix sum - n·logs[i]" it cannot cancel: a constant tail gives exactly 0.
        double tail = 0;
        for (int i = m - 2; i >= 0; i--) {
            tail += (m - 1 - i) * (logs[i + 1] - logs[i]);
            if (!(tail > 0)) {
                continue; // constant tail: α would be infinite, not a power law
            }
            int n = m - i;
            double alpha = 1 + n / tail;
            // Scanning downwards, a later candidate has the smaller xmin, so it wins ties (<=) and is pruned only when
            // strictly worse.
            double d = ksDistance(logs, i, n, alpha, bestD);
            if (d <= bestD) {
                bestD = d;
                bestAlpha = alpha;
                bestStart = i;
            }
        }
        if (bestStart < 0) {
            return PowerLawFit.none(Double.NaN, 0);
        }
        return new PowerLawFit(bestAlpha, ascending[first + bestStart], bestD, m - bestStart);
    }

    /**
     * max_k |1 - (x_k/xmin)^(1-α) - k/n| over the tail starting at {@code start}; returns early, with some value above
     * {@code cutoff}, once the running maximum exceeds it, since such a candidate can no longer win.
     */
    private static double ksDistance(double[] logs, int start, int n, double alpha, double cutoff) {
        double exponent = 1 - alpha;
        double logMin = logs[start];
        double d = 0;
        for (int k = 0; k < n; k++) {
            double cdf = 1 - Math.exp(exponent * (logs[start + k] - logMin));
            double gap = Math.abs(cdf - (double) k / n);
            if (gap > d) {
                d = gap;
                if (d > cutoff) {
                    return d;
                }
            }
        }
        return d;
    }
}
