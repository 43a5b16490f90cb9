package io.alphadecay.esd.spectrum;

import java.util.Random;

/** Seeded test matrices, row-major. */
final class TestMatrices {

    private TestMatrices() {}

    /** Standard normal entries. */
    static double[] gaussian(int rows, int cols, long seed) {
        Random random = new Random(seed);
        double[] w = new double[rows * cols];
        for (int i = 0; i < w.length; i++) {
            w[i] = random.nextGaussian();
        }
        return w;
    }

    /**
     * W = U·diag(√λ)·Vᵀ with random orthonormal columns U (rows x k) and V (cols x k), k = λ.length <= min(rows,
     * cols): the eigenvalues of WᵀW are λ plus min(rows, cols) - k zeros, whatever the factors.
     */
    static double[] withSpectrum(int rows, int cols, double[] lambda, long seed) {
        Random random = new Random(seed);
        int k = lambda.length;
        double[] u = orthonormalColumns(rows, k, random);
        double[] v = orthonormalColumns(cols, k, random);
        double[] w = new double[rows * cols];
        for (int r = 0; r < rows; r++) {
            for (int t = 0; t < k; t++) {
                double scaled = u[r * k + t] * Math.sqrt(lambda[t]);
                for (int c = 0; c < cols; c++) {
                    w[r * cols + c] += scaled * v[c * k + t];
                }
            }
        }
        return w;
    }

    /** An n x k row-major matrix with orthonormal columns: modified Gram-Schmidt, twice, on Gaussian columns. */
    static double[] orthonormalColumns(int n, int k, Random random) {
        double[] q = new double[n * k];
        for (int i = 0; i < q.length; i++) {
            q[i] = random.nextGaussian();
        }
        for (int pass = 0; pass < 2; pass++) {
            for (int j = 0; j < k; j++) {
                for (int p = 0; p < j; p++) {
                    double dot = 0;
                    for (int i = 0; i < n; i++) {
                        dot += q[i * k + p] * q[i * k + j];
                    }
                    for (int i = 0; i < n; i++) {
                        q[i * k + j] -= dot * q[i * k + p];
                    }
                }
                double norm = 0;
                for (int i = 0; i < n; i++) {
                    norm += q[i * k + j] * q[i * k + j];
                }
                norm = Math.sqrt(norm);
                for (int i = 0; i < n; i++) {
                    q[i * k + j] /= norm;
                }
            }
        }
        return q;
    }

    /**
     * Exact Pareto quantiles xmin·(1 - (j + ½)/count)^(-1/(α-1)), ascending: a power-law sample without sampling noise.
     */
    static double[] paretoQuantiles(int count, double alpha, double xmin) {
        double[] lambda = new double[count];
        for (int j = 0; j < count; j++) {
            lambda[j] = xmin * Math.pow(1 - (j + 0.5) / count, -1 / (alpha - 1));
        }
        return lambda;
    }

    /** Pareto draws by inversion, ascending. */
    static double[] paretoSample(int count, double alpha, double xmin, long seed) {
        Random random = new Random(seed);
        double[] lambda = new double[count];
        for (int j = 0; j < count; j++) {
            lambda[j] = xmin * Math.pow(1 - random.nextDouble(), -1 / (alpha - 1));
        }
        java.util.Arrays.sort(lambda);
        return lambda;
    }
}
