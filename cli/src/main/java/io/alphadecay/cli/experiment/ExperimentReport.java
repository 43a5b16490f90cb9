package io.alphadecay.cli.experiment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.alphadecay.cli.experiment.ExperimentStats.Paired;
import io.alphadecay.cli.experiment.ExperimentStats.Summary;

/** Writes an experiment's results: runs.csv, summary.csv, summary.md and the two charts. */
final class ExperimentReport {

    /** What the summary says about how and where the results were made. */
    record Context(String command, String date, List<String> machine, List<String> software) {}

    static final String DATE_PREFIX = "- Date: ";

    private ExperimentReport() {}

    static void write(Path out, ExperimentGrid grid, List<RunResult> results, Context context) throws IOException {
        ExperimentSummary summary = ExperimentSummary.of(grid, results);
        Files.createDirectories(out);
        Files.writeString(out.resolve("runs.csv"), runsCsv(results));
        Files.writeString(out.resolve("summary.csv"), summaryCsv(summary));
        Files.writeString(out.resolve("summary.md"), markdown(grid, results, summary, context));
        Files.write(out.resolve("perplexity.png"), ExperimentCharts.perplexity(summary, grid.weightDecays()));
        Files.write(out.resolve("alpha-by-type.png"), ExperimentCharts.alphaByType(summary));
    }

    static String runsCsv(List<RunResult> results) {
        StringBuilder csv = new StringBuilder("id,name,policy,wd0,seed,state,final_val_perplexity,"
                + "best_val_perplexity,steps,wall_seconds,tokens_per_second");
        RunResult.TYPES.forEach(type -> csv.append(",alpha_").append(type));
        csv.append('\n');
        for (RunResult r : results) {
            List<Object> row = new ArrayList<>(
                    List.of(r.id(), r.name(), r.policy(), ExperimentGrid.number(r.wd0()), r.seed(), r.state()));
            row.add(exact(r.finalPerplexity()));
            row.add(exact(r.bestPerplexity()));
            row.add(r.steps());
            row.add(exact(r.wallSeconds()));
            row.add(exact(r.tokensPerSecond()));
            RunResult.TYPES.forEach(type -> row.add(exact(r.lastAlpha().get(type))));
            csv.append(String.join(
                            ",",
                            row.stream().map(v -> csvCell(String.valueOf(v))).toList()))
                    .append('\n');
        }
        return csv.toString();
    }

    static String summaryCsv(ExperimentSummary summary) {
        StringBuilder csv = new StringBuilder("policy,wd0,n,mean_final_val_perplexity,sd_final_val_perplexity\n");
        summary.cells()
                .forEach((policy, byDecay) -> byDecay.forEach((wd0, s) -> csv.append(policy)
                        .append(',')
                        .append(ExperimentGrid.number(wd0))
                        .append(',')
                        .append(s.n())
                        .append(',')
                        .append(exact(s.mean()))
                        .append(',')
                        .append(exact(s.sd()))
                        .append('\n')));
        return csv.toString();
    }

    static String markdown(ExperimentGrid grid, List<RunResult> results, ExperimentSummary summary, Context context) {
        StringBuilder md = new StringBuilder();
        md.append("# Experiment ").append(grid.name()).append("\n\n");
        md.append("- Command: `").append(context.command().replace("`", "'")).append("`\n");
        md.append(DATE_PREFIX).append(context.date()).append('\n');
        context.machine().forEach(line -> md.append("- Machine: ").append(line).append('\n'));
        context.software()
                .forEach(line -> md.append("- Software: ").append(line).append('\n'));
        md.append("\n## Grid\n\n");
        String fence = grid.text().contains("```") ? "~~~~" : "```";
        md.append(fence)
                .append("yaml\n")
                .append(grid.text().strip())
                .append('\n')
                .append(fence)
                .append("\n\n");
        md.append(results.size())
                .append(" runs: ")
                .append(grid.policies().size())
                .append(" policies × ")
                .append(grid.weightDecays().size())
                .append(" wd0 × ")
                .append(grid.seeds().size())
                .append(" seeds (`none` runs once per seed, without decay).\n");

        md.append("\n## Final validation perplexity\n\n");
        md.append("Mean ± sample standard deviation over seeds of each run's last validation perplexity; only "
                + "SUCCEEDED runs count.\n\n");
        MarkdownTable cells = new MarkdownTable("policy", "wd0:", "n:", "mean:", "sd:", "mean ± sd");
        summary.cells()
                .forEach((policy, byDecay) -> byDecay.forEach((wd0, s) -> cells.row(
                        policy,
                        "none".equals(policy) ? "–" : ExperimentGrid.number(wd0),
                        s.n(),
                        fixed(s.mean()),
                        fixed(s.sd()),
                        fixed(s.mean()) + " ± " + fixed(s.sd()))));
        md.append(cells.render());

        md.append("\n## AlphaDecay − uniform at each wd0\n\n");
        md.append("Paired by seed (only seeds where both runs succeeded); negative favours AlphaDecay. The standard "
                + "error is the sd of the paired differences over √n.\n\n");
        if (summary.differences().isEmpty()) {
            md.append("Not computed: the grid needs both alphadecay and uniform.\n");
        } else {
            MarkdownTable differences =
                    new MarkdownTable("wd0:", "pairs:", "seeds", "mean difference:", "standard error:");
            summary.differences()
                    .forEach((wd0, p) -> differences.row(
                            ExperimentGrid.number(wd0),
                            p.difference().n(),
                            seeds(p),
                            signed(p.difference().mean()),
                            fixed(p.difference().standardError())));
            md.append(differences.render());
        }

        md.append("\n## Best vs best\n\n");
        md.append("Each policy at the wd0 with its lowest mean final validation perplexity.\n\n");
        MarkdownTable best = new MarkdownTable("policy", "best wd0:", "n:", "mean ± sd");
        summary.bestWeightDecay().forEach((policy, wd0) -> {
            Summary s = summary.cells().get(policy).get(wd0);
            best.row(
                    policy,
                    "none".equals(policy) ? "–" : ExperimentGrid.number(wd0),
                    s.n(),
                    fixed(s.mean()) + " ± " + fixed(s.sd()));
        });
        md.append(best.isEmpty() ? "No policy has a result.\n" : best.render());
        summary.bestVsBest()
                .ifPresent(p -> md.append(String.format(
                        Locale.ROOT,
                        "%nAlphaDecay (wd0 %s) − uniform (wd0 %s): %s, standard error %s, over %d seed pairs (%s).%n",
                        ExperimentGrid.number(summary.bestWeightDecay().get(ExperimentSummary.TREATMENT)),
                        ExperimentGrid.number(summary.bestWeightDecay().get(ExperimentSummary.REFERENCE)),
                        signed(p.difference().mean()),
                        fixed(p.difference().standardError()),
                        p.difference().n(),
                        seeds(p))));

        md.append("\n## Runs left out (failed, cancelled or unfinished)\n\n");
        if (summary.excluded().isEmpty()) {
            md.append("None: every run succeeded and counts.\n");
        } else {
            md.append("Left out of every statistic above:\n\n");
            MarkdownTable excluded = new MarkdownTable("run", "id", "state", "reason");
            summary.excluded()
                    .forEach(r -> excluded.row(
                            r.name(),
                            r.id(),
                            r.state(),
                            r.failureReason() == null
                                    ? (r.succeeded() ? "no validation perplexity" : "–")
                                    : r.failureReason()));
            md.append(excluded.render());
        }

        md.append("\n## Mechanism: mean α by module type\n\n");
        md.append("Mean over the runs of a policy of each run's mean α per module type (modules with status ok). "
                + "A small α is a heavy-tailed spectrum, which AlphaDecay decays less.\n\n");
        md.append("### At the last analysis\n\n");
        List<String> headers = new ArrayList<>(List.of("policy"));
        RunResult.TYPES.forEach(type -> headers.add(type + ":"));
        MarkdownTable last = new MarkdownTable(headers.toArray(String[]::new));
        summary.lastAlpha().forEach((policy, byType) -> last.row(alphaRow(policy, byType)));
        md.append(last.isEmpty() ? "No run has an analysis.\n" : last.render());
        List<String> without = grid.policies().stream()
                .filter(p -> !summary.lastAlpha().containsKey(p))
                .toList();
        if (!without.isEmpty() && !summary.lastAlpha().isEmpty()) {
            md.append("\nNo analyses for ")
                    .append(String.join(", ", without))
                    .append(" runs: the trainer analyses "
                            + "a uniform or none run only with `decay.monitor: true` in the grid's base.\n");
        }
        md.append("\n### MLP against attention, by wd0\n\n");
        if (summary.alphaGaps().isEmpty()) {
            md.append("No run has q/k and MLP α at its last analysis.\n");
        } else {
            md.append("At the last analysis, per run: the mean α of the MLP projections (gate, up, down) minus that "
                    + "of attention q/k; mean ± sd over the runs of each cell. A smaller gap is a more even "
                    + "heavy-tailedness across module types, the balance AlphaDecay aims at.\n\n");
            MarkdownTable gaps = new MarkdownTable("policy", "wd0:", "n:", "q/k α:", "MLP α:", "MLP − q/k");
            summary.alphaGaps()
                    .forEach((policy, byDecay) -> byDecay.forEach((wd0, g) -> gaps.row(
                            policy,
                            "none".equals(policy) ? "–" : ExperimentGrid.number(wd0),
                            g.gap().n(),
                            fixed3(g.attention().mean()),
                            fixed3(g.mlp().mean()),
                            fixed3(g.gap().mean()) + " ± " + fixed3(g.gap().sd()))));
            md.append(gaps.render());
        }
        md.append("\n### Change from the first analysis to the last\n\n");
        md.append("The α of a matrix at initialisation already depends on its shape (a random square matrix and a "
                + "random wide one give different values), so the change during training says more about feature "
                + "learning than the level does. Negative: heavier-tailed than at the first analysis.\n\n");
        MarkdownTable change = new MarkdownTable(headers.toArray(String[]::new));
        summary.alphaBySteps().forEach((policy, bySteps) -> {
            if (bySteps.size() > 1) {
                Map<String, Double> first = bySteps.get(bySteps.firstKey());
                Map<String, Double> lastStep = bySteps.get(bySteps.lastKey());
                Map<String, Double> delta = new LinkedHashMap<>();
                RunResult.TYPES.stream()
                        .filter(t -> first.containsKey(t) && lastStep.containsKey(t))
                        .forEach(t -> delta.put(t, lastStep.get(t) - first.get(t)));
                change.row(alphaRow(policy + " (step " + bySteps.firstKey() + " → " + bySteps.lastKey() + ")", delta));
            }
        });
        md.append(change.isEmpty() ? "No run has two analyses.\n" : change.render());
        md.append("\n### Decays AlphaDecay assigned\n\n");
        if (summary.decayBySteps().isEmpty()) {
            md.append("No analysis of an alphadecay run with wd0 > 0 assigned decays.\n");
        } else {
            md.append("Mean over the runs of the decay each module type was given at an analysis (kept until the "
                    + "next), as a multiple of the run's wd0. The last column weighs every analysed module by its "
                    + "number of parameters; parameters outside the analysis (embeddings, norms, the output layer, "
                    + "excluded modules) keep wd0.\n");
            List<String> decayHeaders = new ArrayList<>(List.of("step:"));
            RunResult.TYPES.forEach(type -> decayHeaders.add(type + ":"));
            decayHeaders.add("all, by parameters:");
            summary.decayBySteps().forEach((policy, bySteps) -> {
                MarkdownTable decays = new MarkdownTable(decayHeaders.toArray(String[]::new));
                bySteps.forEach((step, byType) -> decays.row(decayRow(String.valueOf(step), byType)));
                md.append("\n").append(policy).append(":\n\n").append(decays.render());
                List<Double> all = bySteps.values().stream()
                        .filter(m -> m.containsKey(RunResult.ALL))
                        .map(m -> m.get(RunResult.ALL))
                        .toList();
                if (!all.isEmpty()) {
                    md.append(String.format(
                            Locale.ROOT,
                            "%nOver the %d analyses, the analysed weights were decayed "
                                    + "at %.2f × wd0 on average (by parameters).%n",
                            all.size(),
                            ExperimentStats.summarize(all).mean()));
                }
            });
        }
        md.append("\n### Over training steps\n");
        summary.alphaBySteps().forEach((policy, bySteps) -> {
            List<String> stepHeaders = new ArrayList<>(List.of("step:"));
            RunResult.TYPES.forEach(type -> stepHeaders.add(type + ":"));
            MarkdownTable steps = new MarkdownTable(stepHeaders.toArray(String[]::new));
            bySteps.forEach((step, byType) -> steps.row(alphaRow(String.valueOf(step), byType)));
            md.append("\n").append(policy).append(":\n\n").append(steps.render());
        });
        if (summary.alphaBySteps().isEmpty()) {
            md.append("\nNo run has an analysis.\n");
        }
        md.append("\n## Files\n\n");
        md.append("- `runs.csv`: one row per run; `summary.csv`: the per-cell table above at full precision\n");
        md.append("- `perplexity.png`: final validation perplexity against wd0\n");
        md.append("- `alpha-by-type.png`: mean α of attention q/k and of MLP gate/up/down over steps\n");
        return md.toString();
    }

    private static Object[] alphaRow(String first, Map<String, Double> byType) {
        List<Object> row = new ArrayList<>(List.of(first));
        RunResult.TYPES.forEach(type -> row.add(byType.containsKey(type) ? fixed3(byType.get(type)) : "–"));
        return row.toArray();
    }

    private static Object[] decayRow(String first, Map<String, Double> byType) {
        List<Object> row = new ArrayList<>(List.of(first));
        RunResult.TYPES.forEach(type -> row.add(byType.containsKey(type) ? fixed(byType.get(type)) : "–"));
        row.add(byType.containsKey(RunResult.ALL) ? fixed(byType.get(RunResult.ALL)) : "–");
        return row.toArray();
    }

    private static String seeds(Paired paired) {
        return paired.seeds().isEmpty()
                ? "–"
                : String.join(", ", paired.seeds().stream().map(String::valueOf).toList());
    }

    /** Perplexities with two decimals; a missing value (one run, no sd) as a dash. */
    static String fixed(double value) {
        return Double.isNaN(value) ? "–" : String.format(Locale.ROOT, "%.2f", value);
    }

    static String signed(double value) {
        return Double.isNaN(value) ? "–" : String.format(Locale.ROOT, "%+.2f", value);
    }

    private static String fixed3(double value) {
        return Double.isNaN(value) ? "–" : String.format(Locale.ROOT, "%.3f", value);
    }

    private static String exact(Double value) {
        return value == null || value.isNaN() ? "" : Double.toString(value);
    }

    private static String csvCell(String value) {
        return value.contains(",") || value.contains("\"") || value.contains("\n")
                ? '"' + value.replace("\"", "\"\"") + '"'
                : value;
    }
}
