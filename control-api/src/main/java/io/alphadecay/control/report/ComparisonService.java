package io.alphadecay.control.report;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.alphadecay.api.analysis.Analysis;
import io.alphadecay.api.analysis.DecayAssignment;
import io.alphadecay.api.analysis.ModuleAnalysis;
import io.alphadecay.api.metric.MetricPoint;
import io.alphadecay.api.model.LlamaModules;
import io.alphadecay.api.run.Run;
import io.alphadecay.control.analysis.AnalysisService;
import io.alphadecay.control.metric.MetricService;
import io.alphadecay.control.run.RunService;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Gathers what the comparison report shows from the runs, metrics and analyses services. */
@Service
class ComparisonService {

    /** Points per curve in the charts: enough for the shape, few enough to keep the PNGs small. */
    static final int CURVE_POINTS = 400;

    private final RunService runs;
    private final MetricService metrics;
    private final AnalysisService analyses;
    private final JsonMapper json;

    ComparisonService(RunService runs, MetricService metrics, AnalysisService analyses, JsonMapper json) {
        this.runs = runs;
        this.metrics = metrics;
        this.analyses = analyses;
        this.json = json;
    }

    Comparison compare(List<UUID> ids) {
        // Every run is looked up before any other work, so an unknown one is a 404 at once.
        List<Run> found = ids.stream().map(runs::get).toList();
        List<String> labels = labels(found);
        List<Comparison.RunData> data = new ArrayList<>();
        for (int i = 0; i < found.size(); i++) {
            data.add(gather(found.get(i), labels.get(i)));
        }
        List<JsonNode> configs = found.stream()
                .map(run -> (JsonNode) json.valueToTree(run.config()))
                .toList();
        return new Comparison(Instant.now(), data, ConfigDiff.of(configs));
    }

    /** Only the main chart's data: the validation perplexity curves. */
    Comparison perplexityCurves(List<UUID> ids) {
        List<Run> found = ids.stream().map(runs::get).toList();
        List<String> labels = labels(found);
        List<Comparison.RunData> data = new ArrayList<>();
        for (int i = 0; i < found.size(); i++) {
            data.add(new Comparison.RunData(
                    found.get(i),
                    labels.get(i),
                    curve(found.get(i), "val_perplexity"),
                    List.of(),
                    null,
                    List.of(),
                    null,
                    Map.of(),
                    null,
                    Map.of(),
                    Map.of()));
        }
        return new Comparison(Instant.now(), data, null);
    }

    /** Run names, with a short id added where two runs share a name (chart legends need distinct labels). */
    private static List<String> labels(List<Run> found) {
        Map<String, Integer> names = new HashMap<>();
        found.forEach(run -> names.merge(run.name(), 1, Integer::sum));
        return found.stream()
                .map(run -> names.get(run.name()) > 1
                        ? run.name() + " · " + run.id().toString().substring(0, 8)
                        : run.name())
                .toList();
    }

    private Comparison.RunData gather(Run run, String label) {
        UUID id = run.id();
        // Every validation point for the numbers (evaluations are sparse); thinned curves for the charts.
        List<MetricPoint> validation = metrics.read(id, "val_perplexity", null, null, null);
        List<Analysis> summaries = analyses.list(id, false);
        Analysis latest = summaries.isEmpty()
                ? null
                : analyses.get(id, summaries.get(summaries.size() - 1).id());
        Map<String, String> types = new HashMap<>();
        Map<String, List<Double>> alphas = new LinkedHashMap<>();
        if (latest != null) {
            for (ModuleAnalysis module : latest.modules()) {
                types.put(module.name(), typeOf(module.name(), module.type()));
                if ("ok".equals(module.status()) && module.alpha() != null) {
                    alphas.computeIfAbsent(typeOf(module.name(), module.type()), k -> new ArrayList<>())
                            .add(module.alpha());
                }
            }
        }
        DecayAssignment decays = analyses.assignment(id);
        Map<String, List<Double>> decaysByType = new LinkedHashMap<>();
        for (DecayAssignment.Entry entry : decays.modules()) {
            String type = types.computeIfAbsent(entry.name(), name -> typeOf(name, null));
            decaysByType.computeIfAbsent(type, k -> new ArrayList<>()).add(entry.weightDecay());
        }
        return new Comparison.RunData(
                run,
                label,
                curve(run, "val_perplexity"),
                curve(run, "train_loss"),
                Comparison.Perplexity.of(validation),
                summaries,
                latest,
                statsByType(alphas),
                decays,
                types,
                statsByType(decaysByType));
    }

    private List<MetricPoint> curve(Run run, String name) {
        return metrics.read(run.id(), name, null, null, CURVE_POINTS);
    }

    /** The type the analysis gave, else the one the parameter name shows, else {@code other}. */
    static String typeOf(String name, String reported) {
        if (reported != null && Comparison.TYPES.contains(reported)) {
            return reported;
        }
        return LlamaModules.type(name).wireName();
    }

    private static Map<String, ValueStats> statsByType(Map<String, List<Double>> values) {
        Map<String, ValueStats> stats = new LinkedHashMap<>();
        for (String type : Comparison.TYPES) {
            List<Double> list = values.get(type);
            if (list != null && !list.isEmpty()) {
                stats.put(type, ValueStats.of(list));
            }
        }
        return stats;
    }
}
