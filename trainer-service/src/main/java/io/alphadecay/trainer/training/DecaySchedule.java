package io.alphadecay.trainer.training;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import io.alphadecay.api.analysis.DecayPolicy;
import io.alphadecay.api.run.RunConfig;
import io.alphadecay.trainer.model.NamedParameter;

/**
 * When a run's weights are analysed and which decays an analysis sets. Parameters outside the analysed set of
 * {@link io.alphadecay.api.model.LlamaModules} (embeddings, norms, lm_head, the first block's q_proj) keep wd0, as in
 * the paper.
 */
final class DecaySchedule {

    private final RunConfig config;
    private final Set<String> names;

    DecaySchedule(RunConfig config, List<NamedParameter> parameters) {
        this.config = config;
        this.names = parameters.stream().map(NamedParameter::name).collect(Collectors.toUnmodifiableSet());
    }

    /**
     * Analyses run before step 0's update and then every {@code interval} steps: for the alphadecay policy, and for
     * the others when the run asks to be monitored.
     */
    boolean analysedAt(long step) {
        return (appliesDecays() || config.decay().monitor())
                && step % config.decay().interval() == 0;
    }

    /** Only AlphaDecay changes decays from an analysis; a monitored run keeps its own. */
    boolean appliesDecays() {
        return DecayPolicy.of(config.decay().policy()).assignsFromAnalyses();
    }

    /** The decays to set from an analysis: only for parameters this model has, and never negative. */
    Map<String, Float> assignment(Map<String, Double> decays) {
        Map<String, Float> known = new HashMap<>();
        decays.forEach((name, decay) -> {
            if (names.contains(name) && decay != null && Double.isFinite(decay) && decay >= 0) {
                known.put(name, decay.floatValue());
            }
        });
        return known;
    }
}
