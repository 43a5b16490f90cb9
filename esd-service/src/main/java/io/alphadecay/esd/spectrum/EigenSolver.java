package io.alphadecay.esd.spectrum;

/** The eigenvalue step of {@link SpectralAnalyzer}, an interface only so that tests can stand in for the native one. */
@FunctionalInterface
interface EigenSolver {

    /** The min(rows, cols) eigenvalues of WᵀW for a finite row-major W, ascending and non-negative. */
    double[] ascending(double[] w, int rows, int cols);
}
