package io.alphadecay.api.analysis;

import java.util.Arrays;
import java.util.List;

/** How a run's weight decay is set: the policy named in {@code decay.policy} of its configuration. */
public enum DecayPolicy {

    /** No weight decay at all: wd0 is 0 whatever {@code weightDecay} says. */
    NONE("none"),

    /** wd0 on every decayed parameter: the baseline AlphaDecay is compared with. */
    UNIFORM("uniform"),

    /** Module-wise decays from the α of each projection, recomputed every {@code decay.interval} steps. */
    ALPHADECAY("alphadecay");

    /** The wire names, for validation annotations; {@link #of} and the enum constants must agree with it. */
    public static final String PATTERN = "none|uniform|alphadecay";

    public static final String NAMES = "none, uniform or alphadecay";

    private final String wireName;

    DecayPolicy(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** Every policy's wire name. */
    public static List<String> wireNames() {
        return Arrays.stream(values()).map(DecayPolicy::wireName).toList();
    }

    /** The policy with this wire name; a name the validation lets through always has one. */
    public static DecayPolicy of(String name) {
        return Arrays.stream(values())
                .filter(p -> p.wireName.equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown decay policy '" + name + "'"));
    }

    /** The wd0 a run of this policy trains with, given its configured {@code weightDecay}. */
    public double effectiveWeightDecay(double weightDecay) {
        return this == NONE ? 0.0 : weightDecay;
    }

    /** Whether analyses set the decays (otherwise they only monitor α). */
    public boolean assignsFromAnalyses() {
        return this == ALPHADECAY;
    }
}
