package io.alphadecay.esd.spectrum;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.openblas.global.openblas;

/**
 * Squared singular values of a matrix W as the eigenvalues of its smaller Gram matrix, with OpenBLAS: cblas_dsyrk
 * builds W·Wᵀ or WᵀW, LAPACKE_dsyevd without eigenvectors reduces it. On one thread this is 1.5 to 2.9 times faster
 * per module than numpy's SVD on two, and with two modules in parallel a whole checkpoint takes a fifth to a third of
 * numpy's time; the pure-Java libraries measured were slower than numpy itself (BENCHMARKS.md).
 *
 * <p>Thread-safe: every call owns its buffers, and OpenBLAS is pinned to one thread per call, because the service runs
 * one module per worker and OpenBLAS threads that spin-wait for a busy core made a whole checkpoint many times slower.
 */
public final class GramEigenvalues {

    static {
        Loader.load(openblas.class);
        openblas.blas_set_num_threads(1);
    }

    private GramEigenvalues() {}

    /**
     * The min(rows, cols) eigenvalues of WᵀW, ascending, for a row-major W of finite values; round-off negatives are
     * clamped to 0. Throws {@link ArithmeticException} in the (for finite input, theoretical) case that LAPACK does
     * not converge.
     */
    public static double[] ascending(double[] w, int rows, int cols) {
        if (rows <= 0 || cols <= 0 || (long) rows * cols != w.length) {
            throw new IllegalArgumentException(
                    "a " + rows + "x" + cols + " matrix needs " + (long) rows * cols + " values, got " + w.length);
        }
        int n = Math.min(rows, cols);
        // Row-major W (rows x cols) is column-major A = Wᵀ (cols x rows, leading dimension cols). Column-major
        // throughout spares LAPACKE the transposed copy it makes of a row-major matrix.
        try (DoublePointer a = new DoublePointer(w);
                DoublePointer gram = new DoublePointer((long) n * n);
                DoublePointer values = new DoublePointer(n)) {
            if (rows <= cols) { // W·Wᵀ = AᵀA, rows x rows
                openblas.cblas_dsyrk(
                        openblas.CblasColMajor,
                        openblas.CblasUpper,
                        openblas.CblasTrans,
                        n,
                        cols,
                        1.0,
                        a,
                        cols,
                        0.0,
                        gram,
                        n);
            } else { // WᵀW = A·Aᵀ, cols x cols
                openblas.cblas_dsyrk(
                        openblas.CblasColMajor,
                        openblas.CblasUpper,
                        openblas.CblasNoTrans,
                        n,
                        rows,
                        1.0,
                        a,
                        cols,
                        0.0,
                        gram,
                        n);
            }
            int info = openblas.LAPACKE_dsyevd(openblas.LAPACK_COL_MAJOR, (byte) 'N', (byte) 'U', n, gram, n, values);
            if (info != 0) {
                throw new ArithmeticException(
                        "LAPACKE_dsyevd failed on a " + n + "x" + n + " Gram matrix (info " + info + ")");
            }
            double[] ascending = new double[n];
            values.get(ascending);
            for (int i = 0; i < n; i++) {
                // A Gram matrix is positive semi-definite; negatives are round-off of zero eigenvalues.
                if (ascending[i] < 0) {
                    ascending[i] = 0;
                }
            }
            return ascending;
        }
    }
}
