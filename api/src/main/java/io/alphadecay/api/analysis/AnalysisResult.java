package io.alphadecay.api.analysis;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The esd-service's answer to {@code POST /api/v1/analyses}: the modules, what was skipped, and the report. */
public record AnalysisResult(
        String runId,
        Long step,
        String estimator,
        String policy,
        double wd0,
        double s1,
        double s2,
        List<ModuleAnalysis> modules,
        List<Skipped> skipped,
        long bytesReceived,
        Timings timings,
        ReportOutcome report) {

    /** A tensor that was not analysed, and why. */
    public record Skipped(String name, String reason) {}

    /**
     * {@code totalMs}: from the first byte to the result; {@code computeMs}: the sum of the per-module spectral
     * work (larger than total when modules ran in parallel); {@code maxModuleMs}: the slowest module.
     */
    public record Timings(double totalMs, double computeMs, double maxModuleMs) {}

    /** The decay of every module the analysis assigned one to. */
    public Map<String, Double> weightDecays() {
        Map<String, Double> decays = new HashMap<>();
        modules.forEach(m -> {
            if (m.weightDecay() != null) {
                decays.put(m.name(), m.weightDecay());
            }
        });
        return Map.copyOf(decays);
    }

    public AnalysisResult withReport(ReportOutcome outcome) {
        return new AnalysisResult(
                runId, step, estimator, policy, wd0, s1, s2, modules, skipped, bytesReceived, timings, outcome);
    }
}
