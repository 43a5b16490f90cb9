package io.alphadecay.esd.spectrum;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;

import org.junit.jupiter.api.Test;

class GramEigenvaluesTest {

    private static final double[] SPECTRUM = {0.02, 0.5, 0.5, 1, 3.25, 7, 11, 40};

    @Test
    void wideMatrixGivesItsSquaredSingularValuesAscending() {
        double[] w = TestMatrices.withSpectrum(8, 21, SPECTRUM, 1);

        double[] lambda = GramEigenvalues.ascending(w, 8, 21);

        assertAllClose(lambda, SPECTRUM, 1e-12 * 40);
    }

    @Test
    void tallMatrixUsesTheSmallerGramMatrixToo() {
        double[] w = TestMatrices.withSpectrum(21, 8, SPECTRUM, 2);

        double[] lambda = GramEigenvalues.ascending(w, 21, 8);

        assertThat(lambda).hasSize(8);
        assertAllClose(lambda, SPECTRUM, 1e-12 * 40);
    }

    @Test
    void transposeHasTheSameSpectrum() {
        double[] w = TestMatrices.gaussian(13, 30, 3);
        double[] t = new double[w.length];
        for (int r = 0; r < 13; r++) {
            for (int c = 0; c < 30; c++) {
                t[c * 13 + r] = w[r * 30 + c];
            }
        }

        assertAllClose(GramEigenvalues.ascending(t, 30, 13), GramEigenvalues.ascending(w, 13, 30), 1e-11);
    }

    @Test
    void diagonalMatrixGivesTheSquaresOfItsDiagonal() {
        double[] w = new double[4 * 6];
        w[0] = 3;
        w[6 + 1] = -1;
        w[2 * 6 + 2] = 0.5;
        w[3 * 6 + 3] = 2;

        assertThat(GramEigenvalues.ascending(w, 4, 6)).containsExactly(new double[] {0.25, 1, 4, 9}, within(1e-15));
    }

    @Test
    void rankDeficientMatrixGivesNonNegativeZerosWithoutNaN() {
        double[] nonZero = {1, 2, 5};
        double[] w = TestMatrices.withSpectrum(20, 30, nonZero, 4);

        double[] lambda = GramEigenvalues.ascending(w, 20, 30);

        assertThat(Arrays.stream(lambda)).hasSize(20).allMatch(v -> v >= 0 && !v.isNaN());
        assertThat(Arrays.stream(lambda, 0, 17)).allMatch(v -> v < 1e-13);
        assertAllClose(Arrays.copyOfRange(lambda, 17, 20), nonZero, 1e-12 * 5);
    }

    @Test
    void zeroMatrixGivesExactZeros() {
        assertThat(GramEigenvalues.ascending(new double[12 * 7], 12, 7))
                .hasSize(7)
                .containsOnly(0.0);
    }

    @Test
    void rowAndColumnVectorsHaveOneEigenvalueTheirSquaredNorm() {
        double[] v = {1, -2, 3, 0.5};

        assertThat(GramEigenvalues.ascending(v, 1, 4)).containsExactly(new double[] {14.25}, within(1e-13));
        assertThat(GramEigenvalues.ascending(v, 4, 1)).containsExactly(new double[] {14.25}, within(1e-13));
    }

    @Test
    void rejectsAShapeThatDoesNotMatchTheValues() {
        assertThatThrownBy(() -> GramEigenvalues.ascending(new double[6], 2, 4))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("2x4");
        assertThatThrownBy(() -> GramEigenvalues.ascending(new double[0], 0, 4))
                .isInstanceOf(IllegalArgumentException.class);
    }

    static void assertAllClose(double[] actual, double[] expected, double tolerance) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.length; i++) {
            assertThat(actual[i]).as("eigenvalue %d", i).isCloseTo(expected[i], within(tolerance));
        }
    }
}
