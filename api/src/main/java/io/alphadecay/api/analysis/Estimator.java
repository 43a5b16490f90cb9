package io.alphadecay.api.analysis;

import java.util.Optional;

/** How the power-law exponent α of an eigenvalue spectrum is estimated. */
public enum Estimator {

    /** Hill estimator with xmin fixed at the median eigenvalue: what AlphaDecay uses at every re-weighting step. */
    MEDIAN_HILL("median-hill"),

    /** WeightWatcher-style fit: the xmin whose maximum-likelihood fit has the smallest Kolmogorov-Smirnov distance. */
    KS_MLE("ks-mle");

    /** The wire names, for validation annotations; the enum constants must agree with it. */
    public static final String PATTERN = "median-hill|ks-mle";

    public static final String NAMES = "median-hill or ks-mle";

    private final String wireName;

    Estimator(String wireName) {
        this.wireName = wireName;
    }

    /** The name used in requests, checkpoint metadata and reports. */
    public String wireName() {
        return wireName;
    }

    /** The estimator with this wire name (exact, case-sensitive), or empty for null or an unknown name. */
    public static Optional<Estimator> fromName(String name) {
        for (Estimator estimator : values()) {
            if (estimator.wireName.equals(name)) {
                return Optional.of(estimator);
            }
        }
        return Optional.empty();
    }
}
