package io.alphadecay.api.analysis;

import java.util.List;
import java.util.UUID;

/**
 * The weight decay each module should use now: the latest analysis with the operator's overrides on top. A
 * parameter not listed uses {@code defaultWeightDecay}.
 */
public record DecayAssignment(
        UUID runId, String policy, double defaultWeightDecay, Long analysisId, Long step, List<Entry> modules) {

    public record Entry(String name, double weightDecay, String source) {}
}
