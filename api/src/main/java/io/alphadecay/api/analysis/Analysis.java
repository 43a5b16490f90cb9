package io.alphadecay.api.analysis;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;

/** One spectral analysis of a run's weights at a step; {@code modules} is left out of summaries. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Analysis(
        long id,
        UUID runId,
        long step,
        String estimator,
        String policy,
        double wd0,
        double s1,
        double s2,
        Double durationMs,
        Instant createdAt,
        Summary summary,
        List<ModuleAnalysis> modules) {

    /** The spread of α over the modules with status ok. */
    public record Summary(int modules, int ok, Double alphaMin, Double alphaMax, Double alphaMean) {}
}
