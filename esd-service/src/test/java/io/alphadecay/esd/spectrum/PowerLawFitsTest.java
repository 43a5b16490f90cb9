package io.alphadecay.esd.spectrum;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.withinPercentage;

import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

class PowerLawFitsTest {

    @Test
    void medianHillByHand() {
        // i = 2, n = 2, xmin = 4, Σ ln(λ/4) = ln 2: α = 1 + 2/ln 2, and (8/4)^(1-α) = 2^(-2/ln 2) = e^-2.
        PowerLawFit fit = PowerLawFits.medianHill(new double[] {1, 2, 4, 8});

        assertThat(fit.alpha()).isCloseTo(1 + 2 / Math.log(2), within(1e-14));
        assertThat(fit.xmin()).isEqualTo(4);
        assertThat(fit.tailSize()).isEqualTo(2);
        assertThat(fit.ksDistance()).isCloseTo(0.5 - Math.exp(-2), within(1e-14));
        assertThat(fit.valid()).isTrue();
    }

    @Test
    void medianHillOnAnOddCountStartsAtFloorOfHalf() {
        PowerLawFit fit = PowerLawFits.medianHill(new double[] {1, 2, 3, 4, 5});

        assertThat(fit.xmin()).isEqualTo(3);
        assertThat(fit.tailSize()).isEqualTo(3);
        assertThat(fit.alpha()).isCloseTo(1 + 3 / (Math.log(4 / 3.0) + Math.log(5 / 3.0)), within(1e-14));
    }

    @Test
    void medianHillIgnoresZerosBelowTheMedian() {
        PowerLawFit withZeros = PowerLawFits.medianHill(new double[] {0, 0, 0, 2, 3, 7});
        PowerLawFit tail = PowerLawFits.medianHill(new double[] {2, 3, 7});

        assertThat(withZeros.xmin()).isEqualTo(2);
        assertThat(withZeros.alpha()).isCloseTo(1 + 3 / (Math.log(1.5) + Math.log(3.5)), within(1e-14));
        assertThat(tail.xmin()).isEqualTo(3); // a shorter spectrum has its own median
    }

    @Test
    void medianHillHasNoFitForAZeroXminAConstantTailOrNothing() {
        assertThat(PowerLawFits.medianHill(new double[] {0, 0, 0, 1}).alpha()).isNaN();
        assertThat(PowerLawFits.medianHill(new double[] {0.5, 2, 2, 2}).alpha()).isNaN();
        assertThat(PowerLawFits.medianHill(new double[] {3}).alpha()).isNaN();
        assertThat(PowerLawFits.medianHill(new double[0]).alpha()).isNaN();
        assertThat(PowerLawFits.medianHill(new double[] {0, 0, 0, 0}).valid()).isFalse();
    }

    @Test
    void ksMleEqualsTheTextbookAlgorithmOnRandomSpectra() {
        Random random = new Random(11);
        for (int trial = 0; trial < 40; trial++) {
            int n = 2 + random.nextInt(300);
            double[] lambda = trial % 2 == 0
                    ? TestMatrices.paretoSample(n, 1.5 + 4 * random.nextDouble(), 1e-3, trial)
                    : marchenkoPastur(n, random);
            if (trial % 5 == 0) { // some numerical zeros below the 1e-5 threshold
                for (int j = 0; j < n / 3; j++) {
                    lambda[j] = 1e-7 * j;
                }
            }

            PowerLawFit fast = PowerLawFits.ksMle(lambda);
            PowerLawFit slow = naiveKsMle(lambda);

            assertThat(fast.tailSize()).as("trial %d", trial).isEqualTo(slow.tailSize());
            assertThat(fast.xmin()).as("trial %d", trial).isEqualTo(slow.xmin());
            assertThat(fast.alpha()).as("trial %d", trial).isCloseTo(slow.alpha(), withinPercentage(1e-9));
            assertThat(fast.ksDistance()).as("trial %d", trial).isCloseTo(slow.ksDistance(), within(1e-12));
        }
    }

    @Test
    void ksMleDropsValuesAtOrBelowTheThreshold() {
        double[] lambda = {0, 1e-9, 1e-5, 2e-5, 1e-4, 3e-4, 2e-3, 5e-2};

        PowerLawFit fit = PowerLawFits.ksMle(lambda);

        assertThat(fit.xmin()).isGreaterThan(PowerLawFits.KS_MLE_THRESHOLD);
        assertThat(fit).isEqualTo(PowerLawFits.ksMle(Arrays.copyOfRange(lambda, 3, lambda.length)));
    }

    @Test
    void ksMleHasNoFitWithoutTwoDistinctValuesAboveTheThreshold() {
        assertThat(PowerLawFits.ksMle(new double[] {0, 1e-6, 1e-5, 4}).alpha()).isNaN();
        assertThat(PowerLawFits.ksMle(new double[] {2, 2, 2, 2}).alpha()).isNaN();
        assertThat(PowerLawFits.ksMle(new double[0]).valid()).isFalse();
    }

    @Test
    void ksMleOnTwoValuesFitsTheSmaller() {
        // One candidate: n = 2, α = 1 + 2/ln 3, D = max(0, |1 - 3^(1-α) - 1/2|) = |1/2 - e^-2|.
        PowerLawFit fit = PowerLawFits.ksMle(new double[] {1, 3});

        assertThat(fit.alpha()).isCloseTo(1 + 2 / Math.log(3), within(1e-14));
        assertThat(fit.xmin()).isEqualTo(1);
        assertThat(fit.ksDistance()).isCloseTo(0.5 - Math.exp(-2), within(1e-14));
        assertThat(fit.tailSize()).isEqualTo(2);
    }

    @Test
    void bothEstimatorsRecoverTheExponentOfExactParetoQuantiles() {
        for (double alpha : new double[] {2, 3, 4.5}) {
            double[] lambda = TestMatrices.paretoQuantiles(1000, alpha, 1e-3);

            // Noise-free, so what is left is the discretisation of 1000 quantiles, O(1/n): at most 0.13% measured.
            assertThat(PowerLawFits.medianHill(lambda).alpha())
                    .as("median-hill, α %s", alpha)
                    .isCloseTo(alpha, withinPercentage(0.5));
            assertThat(PowerLawFits.ksMle(lambda).alpha())
                    .as("ks-mle, α %s", alpha)
                    .isCloseTo(alpha, withinPercentage(0.5));
        }
    }

    @Test
    void medianHillOnParetoDrawsIsWithinThreeStandardErrors() {
        // The Hill estimator's standard error is (α - 1)/√n for n tail values: 0.075 here, so ±3 SE = ±0.225 (seeds 1
        // to 5 landed within 0.09).
        for (long seed = 1; seed <= 5; seed++) {
            double alpha = 2.5;
            double[] lambda = TestMatrices.paretoSample(800, alpha, 1, seed);

            assertThat(PowerLawFits.medianHill(lambda).alpha())
                    .as("seed %d", seed)
                    .isCloseTo(alpha, within(3 * (alpha - 1) / Math.sqrt(400)));
        }
    }

    /** Squared singular values of a random Gaussian matrix, as the spectrum of a freshly initialised layer. */
    private static double[] marchenkoPastur(int n, Random random) {
        int cols = n + random.nextInt(2 * n + 1);
        return GramEigenvalues.ascending(TestMatrices.gaussian(n, cols, random.nextLong()), n, cols);
    }

    /** WeightWatcher's loop, written the obvious way: O(n) sums and pow per candidate. */
    private static PowerLawFit naiveKsMle(double[] ascending) {
        double[] x = Arrays.stream(ascending).filter(v -> v > 1e-5).toArray();
        PowerLawFit best = PowerLawFit.none(Double.NaN, 0);
        for (int i = 0; i < x.length - 1; i++) {
            int n = x.length - i;
            double sum = 0;
            for (int j = i; j < x.length; j++) {
                sum += Math.log(x[j] / x[i]);
            }
            double alpha = 1 + n / sum;
            if (!(alpha > 1) || Double.isInfinite(alpha)) {
                continue;
            }
            double d = 0;
            for (int k = 0; k < n; k++) {
                d = Math.max(d, Math.abs(1 - Math.pow(x[i + k] / x[i], 1 - alpha) - (double) k / n));
            }
            if (!best.valid() || d < best.ksDistance()) {
                best = new PowerLawFit(alpha, x[i], d, n);
            }
        }
        return best;
    }
}
