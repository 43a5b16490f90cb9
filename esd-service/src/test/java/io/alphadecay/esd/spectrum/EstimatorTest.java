package io.alphadecay.esd.spectrum;

import static org.assertj.core.api.Assertions.assertThat;

import io.alphadecay.api.analysis.Estimator;
import org.junit.jupiter.api.Test;

class EstimatorTest {

    @Test
    void findsEachEstimatorByItsWireName() {
        for (Estimator estimator : Estimator.values()) {
            assertThat(Estimator.fromName(estimator.wireName())).contains(estimator);
        }
        assertThat(Estimator.MEDIAN_HILL.wireName()).isEqualTo("median-hill");
        assertThat(Estimator.KS_MLE.wireName()).isEqualTo("ks-mle");
    }

    @Test
    void unknownOrMissingNamesAreEmpty() {
        assertThat(Estimator.fromName("MEDIAN_HILL")).isEmpty();
        assertThat(Estimator.fromName("Median-Hill")).isEmpty();
        assertThat(Estimator.fromName("")).isEmpty();
        assertThat(Estimator.fromName(null)).isEmpty();
    }
}
