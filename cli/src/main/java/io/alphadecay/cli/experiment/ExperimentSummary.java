package io.alphadecay.cli.experiment;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Stream;

import io.alphadecay.api.analysis.DecayPolicy;
import io.alphadecay.cli.experiment.ExperimentStats.Paired;
import io.alphadecay.cli.experiment.ExperimentStats.Summary;

/**
 * The statistics of a finished grid over its SUCCEEDED runs with a final validation perplexity: every other run is
 * listed in {@code excluded} and left out.
 */
record ExperimentSummary(
        Map<String, Map<Double, Summary>> cells,
        Map<Double, Paired> differences,
        Map<String, Double> bestWeightDecay,
        Optional<Paired> bestVsBest,
        List<RunResult> excluded,
        Map<String, Map<String, Double>> lastAlpha,
        Map<String, SortedMap<Long, Map<String, Double>>> alphaBySteps,
        Map<String, SortedMap<Long, Map<String, Double>>> decayBySteps,
        Map<String, Map<Double, AlphaGap>> alphaGaps) {

    /** At the last analysis, per run: mean α of attention q/k, of the MLP projections, and MLP minus attention. */
    record AlphaGap(Summary attention, Summary mlp, Summary gap) {}

    static final List<String> ATTENTION_QK = List.of("q", "k");
    static final List<String> MLP = List.of("gate", "up", "down");

    static final String TREATMENT = DecayPolicy.ALPHADECAY.wireName();
    static final String REFERENCE = DecayPolicy.UNIFORM.wireName();
    private static final List<String> KEYS =
            Stream.concat(RunResult.TYPES.stream(), Stream.of(RunResult.ALL)).toList();

    static ExperimentSummary of(ExperimentGrid grid, List<RunResult> results) {
        List<RunResult> used = new ArrayList<>();
        List<RunResult> excluded = new ArrayList<>();
        for (RunResult result : results) {
            (result.succeeded() && result.finalPerplexity() != null ? used : excluded).add(result);
        }
        // policy → wd0 → seed → final perplexity, in the grid's order
        Map<String, Map<Double, Map<Long, Double>>> finals = new LinkedHashMap<>();
        for (ExperimentGrid.Cell cell : grid.cells()) {
            finals.computeIfAbsent(cell.policy(), p -> new LinkedHashMap<>())
                    .computeIfAbsent(cell.wd0(), w -> new TreeMap<>());
        }
        for (RunResult result : used) {
            finals.computeIfAbsent(result.policy(), p -> new LinkedHashMap<>())
                    .computeIfAbsent(result.wd0(), w -> new TreeMap<>())
                    .put(result.seed(), result.finalPerplexity());
        }
        Map<String, Map<Double, Summary>> cells = new LinkedHashMap<>();
        finals.forEach((policy, byDecay) ->
                byDecay.forEach((wd0, bySeed) -> cells.computeIfAbsent(policy, p -> new LinkedHashMap<>())
                        .put(wd0, ExperimentStats.summarize(bySeed.values()))));

        Map<Double, Paired> differences = new LinkedHashMap<>();
        Map<Double, Map<Long, Double>> treatment = finals.getOrDefault(TREATMENT, Map.of());
        Map<Double, Map<Long, Double>> reference = finals.getOrDefault(REFERENCE, Map.of());
        for (double wd0 : grid.weightDecays()) {
            if (treatment.containsKey(wd0) && reference.containsKey(wd0)) {
                differences.put(wd0, ExperimentStats.paired(treatment.get(wd0), reference.get(wd0)));
            }
        }
        Map<String, Double> best = new LinkedHashMap<>();
        cells.forEach(
                (policy, byDecay) -> ExperimentStats.bestWeightDecay(byDecay).ifPresent(w -> best.put(policy, w)));
        Optional<Paired> bestVsBest = best.containsKey(TREATMENT) && best.containsKey(REFERENCE)
                ? Optional.of(
                        ExperimentStats.paired(treatment.get(best.get(TREATMENT)), reference.get(best.get(REFERENCE))))
                : Optional.empty();

        Map<String, Map<String, Double>> lastAlpha = new LinkedHashMap<>();
        Map<String, SortedMap<Long, Map<String, Double>>> alphaBySteps = new LinkedHashMap<>();
        Map<String, SortedMap<Long, Map<String, Double>>> decayBySteps = new LinkedHashMap<>();
        for (String policy : grid.policies()) {
            List<RunResult> ofPolicy =
                    used.stream().filter(r -> r.policy().equals(policy)).toList();
            Map<String, Double> last =
                    meanByType(ofPolicy.stream().map(RunResult::lastAlpha).toList());
            if (!last.isEmpty()) {
                lastAlpha.put(policy, last);
            }
            SortedMap<Long, Map<String, Double>> alphas = meanBySteps(ofPolicy, RunResult::alphaByStep);
            if (!alphas.isEmpty()) {
                alphaBySteps.put(policy, alphas);
            }
            SortedMap<Long, Map<String, Double>> decays = meanBySteps(ofPolicy, RunResult::decayByStep);
            if (!decays.isEmpty()) {
                decayBySteps.put(policy, decays);
            }
        }
        return new ExperimentSummary(
                cells,
                differences,
                best,
                bestVsBest,
                excluded,
                lastAlpha,
                alphaBySteps,
                decayBySteps,
                alphaGaps(cells, used));
    }

    /** Policy → wd0 (as in the cells) → the gap between MLP and attention α over the runs that have both. */
    private static Map<String, Map<Double, AlphaGap>> alphaGaps(
            Map<String, Map<Double, Summary>> cells, List<RunResult> used) {
        Map<String, Map<Double, AlphaGap>> gaps = new LinkedHashMap<>();
        cells.forEach((policy, byDecay) -> byDecay.keySet().forEach(wd0 -> {
            List<Double> attention = new ArrayList<>();
            List<Double> mlp = new ArrayList<>();
            List<Double> gap = new ArrayList<>();
            used.stream()
                    .filter(r -> r.policy().equals(policy) && r.wd0() == wd0)
                    .forEach(r -> {
                        Map<String, Double> last = r.lastAlpha();
                        if (last.keySet().containsAll(ATTENTION_QK)
                                && last.keySet().containsAll(MLP)) {
                            double a = ATTENTION_QK.stream()
                                    .mapToDouble(last::get)
                                    .average()
                                    .orElseThrow();
                            double m = MLP.stream()
                                    .mapToDouble(last::get)
                                    .average()
                                    .orElseThrow();
                            attention.add(a);
                            mlp.add(m);
                            gap.add(m - a);
                        }
                    });
            if (!gap.isEmpty()) {
                gaps.computeIfAbsent(policy, p -> new LinkedHashMap<>())
                        .put(
                                wd0,
                                new AlphaGap(
                                        ExperimentStats.summarize(attention),
                                        ExperimentStats.summarize(mlp),
                                        ExperimentStats.summarize(gap)));
            }
        }));
        return gaps;
    }

    /** Step by step, the mean over the runs that have that step of their per-type values. */
    private static SortedMap<Long, Map<String, Double>> meanBySteps(
            List<RunResult> runs, Function<RunResult, SortedMap<Long, Map<String, Double>>> series) {
        Map<Long, List<Map<String, Double>>> atStep = new TreeMap<>();
        runs.forEach(r -> series.apply(r)
                .forEach((step, byType) ->
                        atStep.computeIfAbsent(step, s -> new ArrayList<>()).add(byType)));
        SortedMap<Long, Map<String, Double>> bySteps = new TreeMap<>();
        atStep.forEach((step, list) -> bySteps.put(step, meanByType(list)));
        return bySteps;
    }

    /**
     * The mean over runs of their per-type means, type by type in the usual order (q, k, v, o, gate, up, down), then
     * {@link RunResult#ALL} where the runs have it.
     */
    static Map<String, Double> meanByType(List<Map<String, Double>> runs) {
        Map<String, Double> means = new LinkedHashMap<>();
        for (String type : KEYS) {
            List<Double> values = runs.stream()
                    .filter(m -> m.containsKey(type))
                    .map(m -> m.get(type))
                    .toList();
            if (!values.isEmpty()) {
                means.put(type, ExperimentStats.summarize(values).mean());
            }
        }
        return means;
    }
}
