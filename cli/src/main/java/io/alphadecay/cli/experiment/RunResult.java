package io.alphadecay.cli.experiment;

import java.util.List;
import java.util.Map;
import java.util.SortedMap;

import io.alphadecay.api.analysis.ModuleType;
import io.alphadecay.api.run.RunState;

/**
 * What the experiment reads back of one run: its cell, outcome, the mean α of each module type at every analysis
 * (step → type → mean α over the modules with status ok) and, where an analysis assigned decays (AlphaDecay with
 * wd0 > 0), the mean decay of each type as a multiple of wd0, with {@link #ALL} the mean over every module weighted
 * by its number of parameters.
 */
record RunResult(
        String id,
        String name,
        String policy,
        double wd0,
        long seed,
        String state,
        String failureReason,
        Double finalPerplexity,
        Double bestPerplexity,
        long steps,
        Double wallSeconds,
        Double tokensPerSecond,
        SortedMap<Long, Map<String, Double>> alphaByStep,
        SortedMap<Long, Map<String, Double>> decayByStep) {

    static final List<String> TYPES = ModuleType.projectionNames();
    static final String ALL = "all";

    boolean succeeded() {
        return RunState.SUCCEEDED.name().equals(state);
    }

    /** Mean α by module type at the last analysis, or an empty map without analyses. */
    Map<String, Double> lastAlpha() {
        return alphaByStep.isEmpty() ? Map.of() : alphaByStep.get(alphaByStep.lastKey());
    }
}
