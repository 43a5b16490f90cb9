package io.alphadecay.trainer.optim;

import java.util.Locale;

/** Where the weight decay enters Adam. */
public enum AdamMode {

    /** Decoupled: w ← w − lr·wd·w beside the Adam step (Loshchilov and Hutter), what the paper trains with. */
    ADAMW("adamw"),

    /** Coupled L2: g ← g + wd·w before the moments, so the decay is rescaled by the second moment. */
    ADAM("adam");

    private final String wireName;

    AdamMode(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static AdamMode parse(String name) {
        String key = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        for (AdamMode mode : values()) {
            if (mode.wireName.equals(key)) {
                return mode;
            }
        }
        throw new IllegalArgumentException("unknown optimizer '" + name + "', expected adamw or adam");
    }
}
