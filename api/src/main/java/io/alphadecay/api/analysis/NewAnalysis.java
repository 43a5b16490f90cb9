package io.alphadecay.api.analysis;

import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** What the esd-service reports for one step of a run: the body of {@code POST /api/v1/runs/{id}/analyses}. */
public record NewAnalysis(
        @NotNull @Min(0) Long step,

        @NotNull @Pattern(regexp = Estimator.PATTERN, message = "must be " + Estimator.NAMES)
        String estimator,

        @NotNull @Pattern(regexp = DecayPolicy.PATTERN, message = "must be " + DecayPolicy.NAMES)
        String policy,

        @NotNull @DecimalMin("0") @DecimalMax("10") Double wd0,
        @NotNull @DecimalMin("0") @DecimalMax("100") Double s1,
        @NotNull @DecimalMin("0") @DecimalMax("100") Double s2,
        @DecimalMin("0") Double durationMs,
        @NotNull @Size(max = 10_000) List<@Valid @NotNull ModuleAnalysis> modules) {}
