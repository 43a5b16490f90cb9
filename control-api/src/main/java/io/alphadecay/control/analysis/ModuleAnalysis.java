package io.alphadecay.control.analysis;

import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

/** The heavy-tail statistics of one weight matrix and the decay assigned to it. */
public record ModuleAnalysis(
        @NotNull @Pattern(regexp = ModuleAnalysis.NAME, message = "must be a parameter name of at most 300 characters") String name,
        @Min(0) @Max(100_000) Integer layer,
        @Pattern(regexp = "q|k|v|o|gate|up|down|other", message = "must be q, k, v, o, gate, up, down or other") String type,
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
        @NotNull @Pattern(regexp = "ok|too-small|invalid", message = "must be ok, too-small or invalid") String status,
        @DecimalMin("0") Double weightDecay) {

    public static final String NAME = "[A-Za-z0-9_.:/-]{1,300}";

    boolean ok() {
        return "ok".equals(status);
    }
}
