package io.alphadecay.cli.experiment;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;

import io.alphadecay.api.analysis.Analysis;
import io.alphadecay.api.analysis.DecayPolicy;
import io.alphadecay.api.analysis.ModuleAnalysis;
import io.alphadecay.api.client.ApiCallException;
import io.alphadecay.api.client.ControlApiClient;
import io.alphadecay.api.metric.MetricPoint;
import io.alphadecay.api.run.Run;
import io.alphadecay.cli.RunFiles;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The harness's calls to the control-api, through a client that retries an unreachable or failing control-api (it
 * may be restarting) for as long as the harness's patience; a refusal is final and carries the problem's detail.
 */
final class ExperimentApi {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final ControlApiClient client;

    ExperimentApi(ControlApiClient client) {
        this.client = client;
    }

    URI api() {
        return client.base();
    }

    Run run(String id) throws ApiCallException {
        return client.run(UUID.fromString(id));
    }

    /** Creates a run, or finds the one created earlier with the same key and body. */
    Run create(Map<String, Object> config, String idempotencyKey) throws ApiCallException {
        return client.createRun(RunFiles.config(config), idempotencyKey);
    }

    /** The newest run with this name whose configuration holds every field of {@code config}, if any. */
    Optional<Run> find(Map<String, Object> config) throws ApiCallException {
        String name = String.valueOf(config.get("name"));
        JsonNode wanted = JSON.valueToTree(config);
        for (Run run : client.listRuns(null, name, null, 100).items()) {
            if (contains(JSON.valueToTree(run.config()), wanted)) {
                return Optional.of(run);
            }
        }
        return Optional.empty();
    }

    /** Whether {@code stored} has every field of {@code wanted} with an equal value; numbers compare by value. */
    static boolean contains(JsonNode stored, JsonNode wanted) {
        if (wanted.isObject()) {
            if (stored == null || !stored.isObject()) {
                return false;
            }
            for (var field : wanted.properties()) {
                if (!contains(stored.get(field.getKey()), field.getValue())) {
                    return false;
                }
            }
            return true;
        }
        if (stored == null) {
            return false;
        }
        if (wanted.isNumber() && stored.isNumber()) {
            return wanted.asDouble() == stored.asDouble();
        }
        return wanted.equals(stored);
    }

    /** Everything the report needs of a run of the given cell. */
    RunResult result(ExperimentGrid.Cell cell, String id) throws ApiCallException {
        UUID runId = UUID.fromString(id);
        Run run = client.run(runId);
        List<Double> perplexity = values(runId, "val_perplexity");
        List<Double> throughput = values(runId, "tokens_per_second");
        Double wall = run.startedAt() == null || run.finishedAt() == null
                ? null
                : Duration.between(run.startedAt(), run.finishedAt()).toMillis() / 1000.0;
        SortedMap<Long, Map<String, Double>> alphaByStep = new TreeMap<>();
        SortedMap<Long, Map<String, Double>> decayByStep = new TreeMap<>();
        for (Analysis analysis : client.analyses(runId, true)) {
            Map<String, Double> alphas =
                    meansByType(analysis, module -> module.ok() && module.alpha() != null ? module.alpha() : null);
            if (!alphas.isEmpty()) {
                alphaByStep.put(analysis.step(), alphas);
            }
            double analysisWd0 = analysis.wd0();
            if (DecayPolicy.ALPHADECAY.wireName().equals(analysis.policy()) && analysisWd0 > 0) {
                Map<String, Double> multiples = meansByType(
                        analysis, module -> module.weightDecay() != null ? module.weightDecay() / analysisWd0 : null);
                double weighted = 0;
                double parameters = 0;
                for (ModuleAnalysis module : analysis.modules()) {
                    if (module.weightDecay() != null) {
                        double size = (double) module.rows() * module.cols();
                        weighted += size * module.weightDecay() / analysisWd0;
                        parameters += size;
                    }
                }
                if (parameters > 0) {
                    multiples.put(RunResult.ALL, weighted / parameters);
                }
                if (!multiples.isEmpty()) {
                    decayByStep.put(analysis.step(), multiples);
                }
            }
        }
        return new RunResult(
                id,
                run.name(),
                cell.policy(),
                cell.wd0(),
                cell.seed(),
                run.state().name(),
                run.failureReason(),
                perplexity.isEmpty() ? null : perplexity.get(perplexity.size() - 1),
                perplexity.stream().min(Double::compare).orElse(null),
                run.progress().step(),
                wall,
                throughput.isEmpty()
                        ? null
                        : ExperimentStats.summarize(throughput).mean(),
                alphaByStep,
                decayByStep);
    }

    /** The mean of {@code value} over an analysis's modules of each type, leaving out modules it gives null. */
    private static Map<String, Double> meansByType(Analysis analysis, Function<ModuleAnalysis, Double> value) {
        Map<String, List<Double>> byType = new TreeMap<>();
        for (ModuleAnalysis module : analysis.modules()) {
            Double v = value.apply(module);
            if (v != null) {
                byType.computeIfAbsent(Objects.requireNonNullElse(module.type(), ""), t -> new ArrayList<>())
                        .add(v);
            }
        }
        Map<String, Double> means = new LinkedHashMap<>();
        for (String type : RunResult.TYPES) {
            if (byType.containsKey(type)) {
                means.put(type, ExperimentStats.summarize(byType.get(type)).mean());
            }
        }
        return means;
    }

    /** Every point of a metric (up to the read cap of 100,000), in step order. */
    List<Double> values(UUID id, String metric) throws ApiCallException {
        return client.metrics(id, metric, 100_000).stream()
                .map(MetricPoint::value)
                .toList();
    }

    /** The control-api's build, when its /actuator/info publishes one to this token. */
    Optional<String> serverBuild() {
        try {
            return client.buildDescription();
        } catch (ApiCallException ex) {
            return Optional.empty();
        }
    }
}
