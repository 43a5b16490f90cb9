package io.alphadecay.api.run;

/** The model presets a run may name; their dimensions are documented in the README and owned by the trainer. */
public final class Presets {

    public static final String CUSTOM = "custom";
    public static final String PATTERN = "tiny|cpu-small|llama-60m|llama-135m|llama-350m|llama-1b|custom";
    public static final String NAMES = "tiny, cpu-small, llama-60m, llama-135m, llama-350m, llama-1b, custom";

    private Presets() {}
}
