package io.alphadecay.esd.analysis;

import java.util.List;

import io.alphadecay.esd.report.ReportOutcome;

/** The response of {@code POST /api/v1/analyses}. */
public record AnalysisResult(String runId, Long step, String estimator, String policy, double wd0, double s1, double s2,
        List<ModuleResult> modules, List<Skipped> skipped, long bytesReceived, Timings timings, ReportOutcome report) {

    /** A tensor that was not analysed, and why. */
    public record Skipped(String name, String reason) {
    }

    /**
     * {@code totalMs}: from the first byte to the result; {@code computeMs}: the sum of the per-module spectral
     * work (larger than total when modules ran in parallel); {@code maxModuleMs}: the slowest module.
     */
    public record Timings(double totalMs, double computeMs, double maxModuleMs) {
    }

    AnalysisResult withReport(ReportOutcome outcome) {
        return new AnalysisResult(runId, step, estimator, policy, wd0, s1, s2, modules, skipped, bytesReceived, timings,
                outcome);
    }
}
