package io.alphadecay.esd.spectrum;

/**
 * A power-law fit p(λ) ∝ λ^-α of the eigenvalues at or above {@code xmin}.
 *
 * @param alpha the exponent, NaN when the spectrum admits no fit (too few values, a zero or constant tail)
 * @param xmin the smallest eigenvalue of the fitted tail, NaN when no candidate was left to fit
 * @param ksDistance the Kolmogorov-Smirnov distance between the tail and the fitted law, NaN without a fit
 * @param tailSize the number of eigenvalues in the fitted tail, xmin included
 */
public record PowerLawFit(double alpha, double xmin, double ksDistance, int tailSize) {

    /** No fit: α and the KS distance are NaN, so that the caller marks the module invalid. */
    static PowerLawFit none(double xmin, int tailSize) {
        return new PowerLawFit(Double.NaN, xmin, Double.NaN, tailSize);
    }

    /** Whether the fit produced a finite exponent. */
    public boolean valid() {
        return Double.isFinite(alpha);
    }
}
