package io.alphadecay.cli.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExperimentReportTest {

    private static final ExperimentReport.Context CONTEXT = new ExperimentReport.Context(
            "./alphadecay experiment --grid g.yaml", "2026-01-02T03:04:05Z", List.of("2 cores"), List.of("test"));

    private final ExperimentGrid grid;

    ExperimentReportTest() throws Exception {
        grid = ExperimentGrid.parse(Path.of("g.yaml"), """
                name: g
                base: {preset: tiny}
                policies: [uniform, alphadecay, none]
                weightDecays: [0.1, 0.2]
                seeds: [1, 2]
                """);
    }

    private static RunResult run(
            String policy,
            double wd0,
            long seed,
            String state,
            Double finalPpl,
            SortedMap<Long, Map<String, Double>> alpha) {
        return new RunResult(
                policy + wd0 + seed,
                "g-" + policy + "-wd" + ExperimentGrid.number(wd0) + "-s" + seed,
                policy,
                wd0,
                seed,
                state,
                "FAILED".equals(state) ? "out of memory | at step 3" : null,
                finalPpl,
                finalPpl == null ? null : finalPpl - 1,
                40,
                12.5,
                1000.0,
                alpha,
                decays(alpha));
    }

    /** Decays as multiples of wd0 that follow α: 0.5 for q/k, the α of up over 2 for up, and a weighted mean. */
    private static SortedMap<Long, Map<String, Double>> decays(SortedMap<Long, Map<String, Double>> alpha) {
        SortedMap<Long, Map<String, Double>> bySteps = new TreeMap<>();
        alpha.forEach((step, byType) -> bySteps.put(
                step, Map.of("q", 0.5, "k", 0.5, "up", byType.get("up") / 2, RunResult.ALL, byType.get("up") / 4)));
        return bySteps;
    }

    private static SortedMap<Long, Map<String, Double>> alpha(double q, double up) {
        SortedMap<Long, Map<String, Double>> bySteps = new TreeMap<>();
        bySteps.put(0L, Map.of("q", 5.0, "k", 5.0, "up", 5.0));
        bySteps.put(20L, Map.of("q", q, "k", q, "up", up));
        return bySteps;
    }

    private List<RunResult> results() {
        return List.of(
                run("uniform", 0.1, 1, "SUCCEEDED", 30.0, new TreeMap<>()),
                run("uniform", 0.1, 2, "SUCCEEDED", 32.0, new TreeMap<>()),
                run("uniform", 0.2, 1, "SUCCEEDED", 29.0, new TreeMap<>()),
                run("uniform", 0.2, 2, "SUCCEEDED", 29.5, new TreeMap<>()),
                run("alphadecay", 0.1, 1, "SUCCEEDED", 28.0, alpha(3.0, 4.0)),
                run("alphadecay", 0.1, 2, "SUCCEEDED", 29.0, alpha(4.0, 6.0)),
                run("alphadecay", 0.2, 1, "SUCCEEDED", 28.6, alpha(3.5, 4.5)),
                run("alphadecay", 0.2, 2, "FAILED", null, new TreeMap<>()),
                run("none", 0, 1, "SUCCEEDED", 35.0, new TreeMap<>()),
                run("none", 0, 2, "CANCELLED", 40.0, new TreeMap<>()));
    }

    @Test
    void cellsDifferencesAndBestVsBestLeaveOutRunsThatDidNotSucceed() {
        ExperimentSummary summary = ExperimentSummary.of(grid, results());

        assertThat(summary.cells().get("uniform").get(0.1).mean()).isEqualTo(31.0);
        assertThat(summary.cells().get("uniform").get(0.1).sd()).isCloseTo(Math.sqrt(2), within(1e-12));
        assertThat(summary.cells().get("alphadecay").get(0.2).n()).isEqualTo(1);
        assertThat(summary.cells().get("none").get(0.0).n()).isEqualTo(1);
        assertThat(summary.excluded())
                .extracting(RunResult::name)
                .containsExactly("g-alphadecay-wd0.2-s2", "g-none-wd0-s2");

        // wd0 0.1: differences −2, −3; wd0 0.2: only seed 1 pairs (−0.4)
        assertThat(summary.differences().get(0.1).difference().mean()).isEqualTo(-2.5);
        assertThat(summary.differences().get(0.1).difference().standardError()).isCloseTo(0.5, within(1e-12));
        assertThat(summary.differences().get(0.2).seeds()).containsExactly(1L);
        assertThat(summary.differences().get(0.2).difference().mean()).isCloseTo(-0.4, within(1e-12));

        // best: alphadecay at 0.1 (28.5, below 28.6) against uniform at 0.2 (29.25), paired by seed: −1, −0.5
        assertThat(summary.bestWeightDecay()).containsEntry("alphadecay", 0.1).containsEntry("uniform", 0.2);
        assertThat(summary.bestVsBest()).hasValueSatisfying(p -> {
            assertThat(p.seeds()).containsExactly(1L, 2L);
            assertThat(p.difference().mean()).isEqualTo(-0.75);
        });

        // α: only the alphadecay runs have analyses; the last is averaged over its succeeded runs
        assertThat(summary.lastAlpha().keySet()).containsExactly("alphadecay");
        assertThat(summary.lastAlpha().get("alphadecay"))
                .containsEntry("q", (3.0 + 4.0 + 3.5) / 3)
                .containsEntry("up", (4.0 + 6.0 + 4.5) / 3)
                .doesNotContainKey("gate");
        assertThat(summary.alphaBySteps().get("alphadecay").keySet()).containsExactly(0L, 20L);
        assertThat(summary.decayBySteps().keySet()).containsExactly("alphadecay");
        assertThat(summary.decayBySteps().get("alphadecay").get(20L))
                .containsEntry("q", 0.5)
                .containsEntry("up", (2.0 + 3.0 + 2.25) / 3)
                .containsEntry(RunResult.ALL, (1.0 + 1.5 + 1.125) / 3)
                .doesNotContainKey("gate");
    }

    @Test
    void theMarkdownShowsTheTablesTheExcludedRunsAndTheGrid() {
        List<RunResult> results = results();
        String md = ExperimentReport.markdown(grid, results, ExperimentSummary.of(grid, results), CONTEXT);

        assertThat(md)
                .contains(
                        "- Command: `./alphadecay experiment --grid g.yaml`",
                        "- Date: 2026-01-02T03:04:05Z",
                        "- Machine: 2 cores",
                        "weightDecays: [0.1, 0.2]",
                        "10 runs: 3 policies × 2 wd0 × 2 seeds");
        assertThat(md)
                .contains(
                        "| uniform | 0.1 | 2 | 31.00 | 1.41 | 31.00 ± 1.41 |",
                        "| alphadecay | 0.2 | 1 | 28.60 | – | 28.60 ± – |",
                        "| none | – | 1 | 35.00 | – | 35.00 ± – |");
        assertThat(md).contains("| 0.1 | 2 | 1, 2 | -2.50 | 0.50 |", "| 0.2 | 1 | 1 | -0.40 | – |");
        assertThat(md)
                .contains("AlphaDecay (wd0 0.1) − uniform (wd0 0.2): -0.75, standard error 0.25, over 2 seed "
                        + "pairs (1, 2).");
        assertThat(md)
                .contains(
                        "| g-alphadecay-wd0.2-s2 | alphadecay0.22 | FAILED | out of memory \\| at step 3 |",
                        "| g-none-wd0-s2 | none0.02 | CANCELLED | – |");
        assertThat(md)
                .contains(
                        "| alphadecay | 3.500 | 3.500 | – | – | – | 4.833 | – |",
                        "No analyses for uniform, none runs: the trainer analyses a uniform or none run only with `decay.monitor: true` in the grid's base.",
                        "| 20 | 3.500 | 3.500 | – | – | – | 4.833 | – |");
        // From 5.0 at step 0 to the means at step 20
        assertThat(md).contains("| alphadecay (step 0 → 20) | -1.500 | -1.500 | – | – | – | -0.167 | – |");
        // Decays: step 0 has up 5.0 (multiple 2.50, all 1.25); step 20 the means over the three runs
        assertThat(md)
                .contains(
                        "### Decays AlphaDecay assigned",
                        "| 0 | 0.50 | 0.50 | – | – | – | 2.50 | – | 1.25 |",
                        "| 20 | 0.50 | 0.50 | – | – | – | 2.42 | – | 1.21 |",
                        "Over the 2 analyses, the analysed weights were decayed at 1.23 × wd0 on average (by parameters).");
    }

    @Test
    void writesTheCsvFilesAndChartsThatDecode(@TempDir Path out) throws Exception {
        ExperimentReport.write(out, grid, results(), CONTEXT);

        List<String> runs = Files.readAllLines(out.resolve("runs.csv"));
        assertThat(runs).hasSize(11);
        assertThat(runs.get(0))
                .startsWith("id,name,policy,wd0,seed,state,final_val_perplexity,")
                .endsWith(",alpha_q,alpha_k,alpha_v,alpha_o,alpha_gate,alpha_up,alpha_down");
        assertThat(runs)
                .contains(
                        "alphadecay0.11,g-alphadecay-wd0.1-s1,alphadecay,0.1,1,SUCCEEDED,28.0,27.0,40,12.5,"
                                + "1000.0,3.0,3.0,,,,4.0,",
                        "alphadecay0.22,g-alphadecay-wd0.2-s2,alphadecay,0.2,2,FAILED,,,40,12.5," + "1000.0,,,,,,,");
        assertThat(Files.readAllLines(out.resolve("summary.csv")))
                .containsExactly(
                        "policy,wd0,n,mean_final_val_perplexity,sd_final_val_perplexity",
                        "uniform,0.1,2,31.0," + Math.sqrt(2),
                        "uniform,0.2,2,29.25," + Math.sqrt(0.125),
                        "alphadecay,0.1,2,28.5," + Math.sqrt(0.5),
                        "alphadecay,0.2,1,28.6,",
                        "none,0,1,35.0,");
        for (String chart : List.of("perplexity.png", "alpha-by-type.png")) {
            var image = ImageIO.read(new ByteArrayInputStream(Files.readAllBytes(out.resolve(chart))));
            assertThat(image).as(chart).isNotNull();
            assertThat(image.getWidth()).isEqualTo(ExperimentCharts.WIDTH);
        }
    }

    @Test
    void theGapBetweenMlpAndAttentionAlphaIsSummarizedPerCell() {
        List<RunResult> results = List.of(
                run("uniform", 0.1, 1, "SUCCEEDED", 30.0, lastAlpha(2.0, 3.0)),
                run("uniform", 0.1, 2, "SUCCEEDED", 31.0, lastAlpha(2.0, 3.2)),
                run("alphadecay", 0.1, 1, "SUCCEEDED", 29.0, lastAlpha(2.1, 2.6)),
                run("alphadecay", 0.1, 2, "FAILED", null, lastAlpha(1.0, 9.0)),
                run("alphadecay", 0.2, 1, "SUCCEEDED", 29.0, alpha(3.0, 4.0))); // no gate/down: left out
        ExperimentSummary summary = ExperimentSummary.of(grid, results);

        var uniform = summary.alphaGaps().get("uniform").get(0.1);
        assertThat(uniform.gap().n()).isEqualTo(2);
        assertThat(uniform.attention().mean()).isCloseTo(2.0, within(1e-12));
        assertThat(uniform.mlp().mean()).isCloseTo(3.1, within(1e-12));
        assertThat(uniform.gap().mean()).isCloseTo(1.1, within(1e-12));
        assertThat(uniform.gap().sd()).isCloseTo(Math.sqrt(0.02), within(1e-12));
        assertThat(summary.alphaGaps().get("alphadecay")).containsOnlyKeys(0.1);
        assertThat(summary.alphaGaps().get("alphadecay").get(0.1).gap().n()).isEqualTo(1);

        String md = ExperimentReport.markdown(grid, results, summary, CONTEXT);
        assertThat(md)
                .contains(
                        "### MLP against attention, by wd0",
                        "| uniform | 0.1 | 2 | 2.000 | 3.100 | 1.100 ± 0.141 |",
                        "| alphadecay | 0.1 | 1 | 2.100 | 2.600 | 0.500 ± – |");
    }

    /** One analysis at step 30 where q and k share one α and gate, up and down another. */
    private static SortedMap<Long, Map<String, Double>> lastAlpha(double attention, double mlp) {
        SortedMap<Long, Map<String, Double>> bySteps = new TreeMap<>();
        bySteps.put(30L, Map.of("q", attention, "k", attention, "v", 9.0, "gate", mlp, "up", mlp, "down", mlp));
        return bySteps;
    }

    @Test
    void wd0SpreadByFactorsGetsALogAxisAndTheChartStillDraws() throws Exception {
        assertThat(ExperimentCharts.logarithmicWeightDecays(List.of(0.05, 0.1, 0.2, 0.4, 0.8)))
                .isTrue();
        assertThat(ExperimentCharts.logarithmicWeightDecays(List.of(0.1, 0.2))).isFalse();
        assertThat(ExperimentCharts.logarithmicWeightDecays(List.of(0.0, 0.1, 0.8)))
                .isFalse();
        ExperimentGrid wide = ExperimentGrid.parse(Path.of("w.yaml"), """
                name: w
                base: {preset: tiny}
                policies: [uniform, none]
                weightDecays: [0.05, 0.8]
                seeds: [1]
                """);
        List<RunResult> results = List.of(
                run("uniform", 0.05, 1, "SUCCEEDED", 30.0, new TreeMap<>()),
                run("uniform", 0.8, 1, "SUCCEEDED", 31.0, new TreeMap<>()),
                run("none", 0, 1, "SUCCEEDED", 33.0, new TreeMap<>()));
        var image = ImageIO.read(new ByteArrayInputStream(
                ExperimentCharts.perplexity(ExperimentSummary.of(wide, results), wide.weightDecays())));
        assertThat(image.getWidth()).isEqualTo(ExperimentCharts.WIDTH);
    }

    @Test
    void chartsAreDrawnEvenWithoutAnyResult(@TempDir Path out) throws Exception {
        ExperimentReport.write(out, grid, List.of(run("uniform", 0.1, 1, "FAILED", null, new TreeMap<>())), CONTEXT);

        assertThat(ImageIO.read(out.resolve("perplexity.png").toFile())).isNotNull();
        assertThat(ImageIO.read(out.resolve("alpha-by-type.png").toFile())).isNotNull();
        assertThat(Files.readString(out.resolve("summary.md")))
                .contains("No run has an analysis.", "No analysis of an alphadecay run with wd0 > 0 assigned decays.");
    }
}
