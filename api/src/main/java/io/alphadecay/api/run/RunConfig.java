package io.alphadecay.api.run;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.alphadecay.api.analysis.DecayPolicy;
import io.alphadecay.api.analysis.Estimator;
import io.alphadecay.api.problem.FieldError;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * The full training configuration of a run, as the control-api stores it and the trainers read it. Every omitted field takes the default documented in the README, so
 * that the stored configuration is complete and a run can be reproduced from it alone.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunConfig(
        @Size(min = 1, max = 200)
        @Pattern(
                regexp = "[\\p{L}\\p{N}][\\p{L}\\p{N} ._:/-]*",
                message = "must start with a letter or digit and use letters, digits, space or ._:/-")
        String name,

        @Pattern(regexp = Presets.PATTERN, message = "must be one of " + Presets.NAMES)
        String preset,

        @Valid Architecture architecture,
        @Min(1) @Max(10_000_000) Integer steps,
        @Min(1) @Max(1_048_576) Integer batchSize,
        @Min(1) @Max(1024) Integer gradientAccumulation,
        @Min(8) @Max(32_768) Integer sequenceLength,
        @Min(0) Long seed,

        @Pattern(regexp = "adam|adamw", message = "must be adam or adamw")
        String optimizer,

        @DecimalMin(value = "0", inclusive = false) @DecimalMax("1")
        Double learningRate,

        @Min(0) Integer warmupSteps,

        @Pattern(regexp = "cosine|linear|constant", message = "must be cosine, linear or constant")
        String lrSchedule,

        @DecimalMin("0") @DecimalMax("1") Double minLrRatio,
        @DecimalMin("0") @DecimalMax("10") Double weightDecay,
        @DecimalMin("0") @DecimalMax("1000") Double gradClip,
        @Valid DecayConfig decay,
        @Min(1) Integer evalInterval,
        @Min(1) @Max(100_000) Integer evalBatches,
        @Min(1) Integer checkpointInterval,
        @Min(1) @Max(1000) Integer keepCheckpoints,
        @Size(min = 1, max = 1000) String dataset,
        @Size(min = 1, max = 1000) String tokenizer,

        @Pattern(regexp = "auto|cpu|gpu(:\\d+)?", message = "must be auto, cpu, gpu or gpu:N")
        String device) {

    public static final String DEFAULT_PRESET = "cpu-small";

    /** This configuration with every omitted field set to its default. */
    public RunConfig withDefaults(String fallbackName) {
        String resolvedPreset = Objects.requireNonNullElse(preset, DEFAULT_PRESET);
        int resolvedSteps = Objects.requireNonNullElse(steps, 2000);
        return new RunConfig(
                name == null ? fallbackName : name,
                resolvedPreset,
                architecture,
                resolvedSteps,
                Objects.requireNonNullElse(batchSize, 16),
                Objects.requireNonNullElse(gradientAccumulation, 1),
                Objects.requireNonNullElse(sequenceLength, 128),
                Objects.requireNonNullElse(seed, 1L),
                Objects.requireNonNullElse(optimizer, "adamw"),
                Objects.requireNonNullElse(learningRate, 1e-3),
                Objects.requireNonNullElse(warmupSteps, Math.min(resolvedSteps / 10, 1000)),
                Objects.requireNonNullElse(lrSchedule, "cosine"),
                Objects.requireNonNullElse(minLrRatio, 0.1),
                Objects.requireNonNullElse(weightDecay, 0.1),
                Objects.requireNonNullElse(gradClip, 1.0),
                (decay == null ? DecayConfig.DEFAULT : decay).withDefaults(),
                Objects.requireNonNullElse(evalInterval, Math.max(1, Math.min(resolvedSteps / 10, 500))),
                Objects.requireNonNullElse(evalBatches, 20),
                Objects.requireNonNullElse(checkpointInterval, Math.max(1, Math.min(resolvedSteps / 4, 1000))),
                Objects.requireNonNullElse(keepCheckpoints, 3),
                Objects.requireNonNullElse(dataset, "default"),
                Objects.requireNonNullElse(tokenizer, "default"),
                Objects.requireNonNullElse(device, "auto"));
    }

    /**
     * The wd0 the run trains with: its {@code weightDecay}, or 0 under the {@code none} policy. Call on a
     * configuration with defaults applied.
     */
    public double effectiveWeightDecay() {
        return DecayPolicy.of(decay.policy()).effectiveWeightDecay(weightDecay);
    }

    /** Rules that involve more than one field; call on a configuration with defaults applied. */
    public void checkConsistency() {
        List<FieldError> errors = new ArrayList<>();
        if (warmupSteps >= steps) {
            errors.add(new FieldError("warmupSteps", "must be smaller than steps (" + steps + ")"));
        }
        if (batchSize % gradientAccumulation != 0) {
            errors.add(new FieldError("gradientAccumulation", "must divide batchSize (" + batchSize + ")"));
        }
        if (Presets.CUSTOM.equals(preset) && architecture == null) {
            errors.add(new FieldError("architecture", "is required when preset is custom"));
        }
        if (!Presets.CUSTOM.equals(preset) && architecture != null) {
            errors.add(new FieldError("architecture", "is only allowed with preset custom"));
        }
        if (architecture != null && architecture.hiddenSize() % architecture.numHeads() != 0) {
            errors.add(new FieldError(
                    "architecture.numHeads", "must divide hiddenSize (" + architecture.hiddenSize() + ")"));
        }
        if (architecture != null && (architecture.hiddenSize() / architecture.numHeads()) % 2 != 0) {
            errors.add(new FieldError("architecture.numHeads", "must leave an even head size for rotary embeddings"));
        }
        if (decay.s1() > decay.s2()) {
            errors.add(new FieldError("decay.s1", "must not exceed decay.s2 (" + decay.s2() + ")"));
        }
        if (!errors.isEmpty()) {
            throw new InvalidConfigException(errors);
        }
    }

    /** A LLaMA-style architecture; {@code vocabSize} may be left out to take the tokenizer's. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Architecture(
            @jakarta.validation.constraints.NotNull @Min(8) @Max(16_384)
            Integer hiddenSize,

            @jakarta.validation.constraints.NotNull @Min(8) @Max(65_536)
            Integer intermediateSize,

            @jakarta.validation.constraints.NotNull @Min(1) @Max(256)
            Integer numLayers,

            @jakarta.validation.constraints.NotNull @Min(1) @Max(256)
            Integer numHeads,

            @Min(16) @Max(1_000_000) Integer vocabSize) {}

    /**
     * The decay policy: {@code none}, {@code uniform} (wd0 everywhere) or {@code alphadecay} (module-wise, from the
     * esd-service every {@code interval} steps). {@code sync} makes training wait for each analysis.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record DecayConfig(
            @Pattern(regexp = DecayPolicy.PATTERN, message = "must be " + DecayPolicy.NAMES)
            String policy,

            @Min(1) @Max(10_000_000) Integer interval,
            @DecimalMin("0") @DecimalMax("100") Double s1,
            @DecimalMin("0") @DecimalMax("100") Double s2,

            @Pattern(regexp = Estimator.PATTERN, message = "must be " + Estimator.NAMES)
            String estimator,

            Boolean sync,
            // Analyse a uniform or none run too (its decays stay as they are), so α can be compared across policies
            Boolean monitor) {

        public static final DecayConfig DEFAULT = new DecayConfig(null, null, null, null, null, null, null);

        public DecayConfig withDefaults() {
            return new DecayConfig(
                    Objects.requireNonNullElse(policy, DecayPolicy.ALPHADECAY.wireName()),
                    Objects.requireNonNullElse(interval, 500),
                    Objects.requireNonNullElse(s1, 0.6666),
                    Objects.requireNonNullElse(s2, 5.0),
                    Objects.requireNonNullElse(estimator, Estimator.MEDIAN_HILL.wireName()),
                    Objects.requireNonNullElse(sync, false),
                    Objects.requireNonNullElse(monitor, false));
        }
    }
}
