package io.alphadecay.esd.spectrum;

/**
 * The spectral statistics of one weight matrix.
 *
 * @param numEigs the number of eigenvalues, min(rows, cols)
 * @param alpha the power-law exponent; NaN marks the module invalid (non-finite weights, or no fit)
 * @param xmin the smallest eigenvalue of the fitted tail
 * @param ksDistance the Kolmogorov-Smirnov distance of the fit
 * @param lambdaMax the largest eigenvalue, the squared spectral norm
 * @param stableRank Σλ / λmax, 0 for a zero matrix
 * @param logSpectralNorm log10(λmax), -Infinity for a zero matrix
 * @param alphaWeighted α·log10(λmax)
 */
public record SpectralStats(
        int numEigs,
        double alpha,
        double xmin,
        double ksDistance,
        double lambdaMax,
        double stableRank,
        double logSpectralNorm,
        double alphaWeighted) {

    /** Statistics of a matrix that could not be analysed at all: every value NaN. */
    static SpectralStats invalid(int numEigs) {
        return new SpectralStats(
                numEigs, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }

    /** Whether α is finite, that is whether the module takes part in the weight-decay assignment. */
    public boolean valid() {
        return Double.isFinite(alpha);
    }
}
