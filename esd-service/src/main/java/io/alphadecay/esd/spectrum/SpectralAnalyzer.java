package io.alphadecay.esd.spectrum;

import io.alphadecay.api.analysis.Estimator;

/**
 * Spectral statistics of one weight matrix: its eigenvalue spectrum, a power-law fit and the norms derived from it.
 * Thread-safe and stateless; meant to be called for one module per task from a bounded worker pool.
 */
public final class SpectralAnalyzer {

    private final EigenSolver solver;

    /** An analyzer on OpenBLAS ({@link GramEigenvalues}). */
    public SpectralAnalyzer() {
        this(GramEigenvalues::ascending);
    }

    SpectralAnalyzer(EigenSolver solver) {
        this.solver = solver;
    }

    /**
     * Analyses a row-major rows x cols matrix. A matrix with NaN or infinite values, or whose Gram matrix would
     * overflow, never reaches the solver and gets {@link SpectralStats#invalid}; a spectrum without a power-law fit
     * gets NaN α (and α-weighted) but its norms.
     */
    public SpectralStats analyze(double[] w, int rows, int cols, Estimator estimator) {
        if (rows <= 0 || cols <= 0 || (long) rows * cols != w.length) {
            throw new IllegalArgumentException(
                    "a " + rows + "x" + cols + " matrix needs " + (long) rows * cols + " values, got " + w.length);
        }
        int numEigs = Math.min(rows, cols);
        // Σw² is NaN or infinite iff some value is, or the squares overflow; it also bounds every Gram entry, so a
        // finite sum means a finite Gram matrix.
        if (!Double.isFinite(sumOfSquares(w))) {
            return SpectralStats.invalid(numEigs);
        }
        double[] lambda;
        try {
            lambda = solver.ascending(w, rows, cols);
        } catch (ArithmeticException ex) {
            return SpectralStats.invalid(numEigs);
        }
        double lambdaMax = lambda[numEigs - 1];
        double sum = 0;
        for (double value : lambda) {
            sum += value;
        }
        // A zero matrix has rank 0; 0/0 would be NaN.
        double stableRank = lambdaMax > 0 ? sum / lambdaMax : 0;
        double logSpectralNorm = Math.log10(lambdaMax);
        PowerLawFit fit = estimator == Estimator.KS_MLE ? PowerLawFits.ksMle(lambda) : PowerLawFits.medianHill(lambda);
        return new SpectralStats(
                numEigs,
                fit.alpha(),
                fit.xmin(),
                fit.ksDistance(),
                lambdaMax,
                stableRank,
                logSpectralNorm,
                fit.alpha() * logSpectralNorm);
    }

    /** Four partial sums, so that the scan is not bound by the latency of one floating-point add chain. */
    private static double sumOfSquares(double[] w) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int i = 0;
        for (; i + 3 < w.length; i += 4) {
            s0 += w[i] * w[i];
            s1 += w[i + 1] * w[i + 1];
            s2 += w[i + 2] * w[i + 2];
            s3 += w[i + 3] * w[i + 3];
        }
        for (; i < w.length; i++) {
            s0 += w[i] * w[i];
        }
        return (s0 + s1) + (s2 + s3);
    }
}
