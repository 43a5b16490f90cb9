package io.alphadecay.cli.experiment;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The statistics of an experiment's summary: per-cell mean and spread, and paired differences between policies. */
final class ExperimentStats {

    private ExperimentStats() {}

    /** Mean, sample standard deviation (n − 1; NaN below two values) and standard error of the mean. */
    record Summary(int n, double mean, double sd) {

        double standardError() {
            return n < 2 ? Double.NaN : sd / Math.sqrt(n);
        }
    }

    static Summary summarize(Collection<Double> values) {
        int n = values.size();
        if (n == 0) {
            return new Summary(0, Double.NaN, Double.NaN);
        }
        double mean = values.stream().mapToDouble(Double::doubleValue).sum() / n;
        if (n < 2) {
            return new Summary(1, mean, Double.NaN);
        }
        double squares =
                values.stream().mapToDouble(v -> (v - mean) * (v - mean)).sum();
        return new Summary(n, mean, Math.sqrt(squares / (n - 1)));
    }

    /** A difference treatment − reference over the seeds both have; {@code seeds} lists them in order. */
    record Paired(List<Long> seeds, Summary difference) {}

    /** Pairs two policies' results by seed (seed → value) and summarizes treatment − reference over the pairs. */
    static Paired paired(Map<Long, Double> treatment, Map<Long, Double> reference) {
        List<Long> seeds = new ArrayList<>();
        List<Double> differences = new ArrayList<>();
        treatment.keySet().stream().sorted().filter(reference::containsKey).forEach(seed -> {
            seeds.add(seed);
            differences.add(treatment.get(seed) - reference.get(seed));
        });
        return new Paired(List.copyOf(seeds), summarize(differences));
    }

    /** The wd0 with the lowest mean among the cells that have a result; empty when none has. */
    static Optional<Double> bestWeightDecay(Map<Double, Summary> cells) {
        return cells.entrySet().stream()
                .filter(e -> e.getValue().n() > 0)
                .min((a, b) -> Double.compare(a.getValue().mean(), b.getValue().mean()))
                .map(Map.Entry::getKey);
    }
}
