package io.alphadecay.control.report;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.alphadecay.api.analysis.Analysis;
import io.alphadecay.api.analysis.DecayAssignment;
import io.alphadecay.api.analysis.ModuleType;
import io.alphadecay.api.metric.MetricPoint;
import io.alphadecay.api.run.Run;

/** Everything the comparison report shows, gathered once per request; the first run is the reference. */
record Comparison(Instant generatedAt, List<RunData> runs, ConfigDiff config) {

    /** The module types in the order the projections run in a block. */
    static final List<String> TYPES = ModuleType.wireNames();

    /**
     * One run: {@code label} is its name, made unique with a short id when two runs share a name; the curves are
     * thinned for the charts, {@code perplexity} is null without validation points, {@code latest} (with modules)
     * null without analyses.
     */
    record RunData(
            Run run,
            String label,
            List<MetricPoint> valPerplexityCurve,
            List<MetricPoint> trainLossCurve,
            Perplexity perplexity,
            List<Analysis> analyses,
            Analysis latest,
            Map<String, ValueStats> alphaByType,
            DecayAssignment decays,
            Map<String, String> moduleTypes,
            Map<String, ValueStats> decayByType) {

        String policy() {
            return run.config().decay().policy();
        }

        /** α over every module with status ok, whatever its type; only when {@code alphaByType} is not empty. */
        ValueStats alphaOverall() {
            List<Double> all = new java.util.ArrayList<>();
            latest.modules().stream()
                    .filter(m -> "ok".equals(m.status()) && m.alpha() != null)
                    .forEach(m -> all.add(m.alpha()));
            return ValueStats.of(all);
        }
    }

    /** The last and the lowest validation perplexity and their steps. */
    record Perplexity(double last, long lastStep, double best, long bestStep) {

        static Perplexity of(List<MetricPoint> points) {
            if (points.isEmpty()) {
                return null;
            }
            MetricPoint best = points.get(0);
            for (MetricPoint p : points) {
                if (p.value() < best.value()) {
                    best = p;
                }
            }
            MetricPoint last = points.get(points.size() - 1);
            return new Perplexity(last.value(), last.step(), best.value(), best.step());
        }
    }
}
