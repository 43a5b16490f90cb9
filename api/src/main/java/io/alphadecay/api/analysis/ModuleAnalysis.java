package io.alphadecay.api.analysis;

import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

/**
 * The heavy-tail statistics of one weight matrix and the decay assigned to it: what the esd-service computes and the
 * control-api stores. Status {@code ok}, {@code too-small} or {@code invalid}; the statistics are null unless ok.
 */
public record ModuleAnalysis(
        @NotNull @Pattern(regexp = ModuleAnalysis.NAME, message = "must be a parameter name of at most 300 characters")
        String name,

        @Min(0) @Max(100_000) Integer layer,

        @Pattern(regexp = ModuleType.PATTERN, message = "must be " + ModuleType.NAMES)
        String type,

        @NotNull @Min(1) Integer rows,
        @NotNull @Min(1) Integer cols,
        @NotNull @Min(0) Integer numEigs,
        Double alpha,
        Double xmin,
        Double ksDistance,
        Double lambdaMax,
        Double stableRank,
        Double logSpectralNorm,
        Double alphaWeighted,

        @NotNull @Pattern(regexp = "ok|too-small|invalid", message = "must be ok, too-small or invalid")
        String status,

        @DecimalMin("0") Double weightDecay) {

    public static final String NAME = "[A-Za-z0-9_.:/-]{1,300}";

    public boolean ok() {
        return "ok".equals(status);
    }

    public ModuleAnalysis withWeightDecay(Double decay) {
        return new ModuleAnalysis(
                name,
                layer,
                type,
                rows,
                cols,
                numEigs,
                alpha,
                xmin,
                ksDistance,
                lambdaMax,
                stableRank,
                logSpectralNorm,
                alphaWeighted,
                status,
                decay);
    }
}
