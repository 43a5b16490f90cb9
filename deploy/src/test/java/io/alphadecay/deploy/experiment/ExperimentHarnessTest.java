package io.alphadecay.deploy.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;

import io.alphadecay.deploy.TrainingFixture;
import io.alphadecay.testing.ServiceProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The experiment harness against the real services: a grid of 2 policies × 1 wd0 × 2 seeds of the tiny preset
 * trained by a real trainer, the harness run from the CLI's jar the way the launcher runs it, its results
 * checked against the runs' metrics read from the API, then the same command again: no new run, same results.
 */
class ExperimentHarnessTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static Path work;
    private static ServiceProcess controlApi;
    private static ServiceProcess esd;
    private static ServiceProcess trainer;

    @BeforeAll
    static void startServices() throws IOException {
        work = Files.createTempDirectory("experiment-it");
        controlApi = ServiceProcess.start();
        esd = ServiceProcess.startEsd(controlApi.url());
        trainer = ServiceProcess.startTrainer(
                controlApi.url(),
                esd.url(),
                List.of("--alphadecay.worker.id=experiment-it", "--alphadecay.worker.device=cpu"));
    }

    @AfterAll
    static void stop() throws IOException {
        for (ServiceProcess service : new ServiceProcess[] {trainer, esd, controlApi}) {
            if (service != null) {
                service.close();
            }
        }
        if (work != null) {
            try (var files = Files.walk(work)) {
                files.sorted(java.util.Comparator.reverseOrder())
                        .forEach(path -> path.toFile().delete());
            }
        }
    }

    @Test
    void launchesTheGridWritesItsStatisticsAndAttachesToTheSameRunsWhenRunAgain() throws Exception {
        Path corpus = TrainingFixture.corpus(work, 40, 80);
        Path tokenizer = TrainingFixture.tokenizer(work);
        Path grid = work.resolve("grid.yaml");
        Files.writeString(
                grid,
                String.join(
                        "\n",
                        "name: e2e-grid",
                        "base:",
                        "  preset: tiny",
                        "  steps: 30",
                        "  batchSize: 8",
                        "  sequenceLength: 64",
                        "  warmupSteps: 3",
                        "  learningRate: 0.003",
                        "  evalInterval: 10",
                        "  evalBatches: 2",
                        "  checkpointInterval: 30",
                        "  device: cpu",
                        "  dataset: " + JSON.writeValueAsString(corpus.toString()),
                        "  tokenizer: " + JSON.writeValueAsString(tokenizer.toString()),
                        "  decay: {interval: 10, monitor: true}",
                        "policies: [uniform, alphadecay]",
                        "weightDecays: [0.1]",
                        "seeds: [1, 2]",
                        ""));
        Path out = work.resolve("results");

        Harness first = harness(grid, out);
        assertThat(first.exit()).as(first.output()).isZero();
        assertThat(first.output()).contains("Grid e2e-grid: 4 runs");

        List<Map<String, String>> rows = csv(out.resolve("runs.csv"));
        assertThat(rows)
                .hasSize(4)
                .allSatisfy(row -> assertThat(row.get("state")).isEqualTo("SUCCEEDED"));
        assertThat(rows)
                .extracting(row -> row.get("name"))
                .containsExactlyInAnyOrder(
                        "e2e-grid-uniform-wd0.1-s1",
                        "e2e-grid-uniform-wd0.1-s2",
                        "e2e-grid-alphadecay-wd0.1-s1",
                        "e2e-grid-alphadecay-wd0.1-s2");

        // What the summary must say, computed here from the runs' metrics as the API returns them.
        Map<String, Map<Long, Double>> finals = new HashMap<>();
        Map<Long, List<Double>> decayMultiples = new HashMap<>(); // alphadecay runs: last step → by-parameter multiple
        for (Map<String, String> row : rows) {
            String id = row.get("id");
            JsonNode run = json(
                    controlApi.asOperator("GET", "/api/v1/runs/" + id, null).body());
            assertThat(run.get("name").asString()).isEqualTo(row.get("name"));
            assertThat(run.get("config").get("decay").get("policy").asString()).isEqualTo(row.get("policy"));
            assertThat(run.get("config").get("seed").asLong()).isEqualTo(Long.parseLong(row.get("seed")));
            JsonNode points = json(controlApi
                            .asOperator("GET", "/api/v1/runs/" + id + "/metrics?name=val_perplexity", null)
                            .body())
                    .get("points");
            assertThat(points).isNotEmpty();
            double last = points.get(points.size() - 1).get("value").asDouble();
            double best = points.valueStream()
                    .mapToDouble(p -> p.get("value").asDouble())
                    .min()
                    .orElseThrow();
            assertThat(Double.parseDouble(row.get("final_val_perplexity"))).isEqualTo(last);
            assertThat(Double.parseDouble(row.get("best_val_perplexity"))).isEqualTo(best);
            assertThat(Long.parseLong(row.get("steps"))).isEqualTo(30);
            finals.computeIfAbsent(row.get("policy"), p -> new HashMap<>()).put(Long.parseLong(row.get("seed")), last);
            // Every run is analysed: alphadecay runs for their decays, uniform ones because the grid monitors them
            JsonNode latest = json(controlApi
                    .asOperator("GET", "/api/v1/runs/" + id + "/analyses/latest", null)
                    .body());
            double sum = 0;
            int count = 0;
            for (JsonNode module : latest.get("modules")) {
                if ("up".equals(module.get("type").asString())
                        && "ok".equals(module.get("status").asString())) {
                    sum += module.get("alpha").asDouble();
                    count++;
                }
            }
            assertThat(count).as("ok up_proj modules in the latest analysis").isPositive();
            assertThat(Double.parseDouble(row.get("alpha_up"))).isCloseTo(sum / count, within(1e-9));
            if ("alphadecay".equals(row.get("policy"))) {
                double weighted = 0;
                double parameters = 0;
                for (JsonNode module : latest.get("modules")) {
                    double size =
                            module.get("rows").asDouble() * module.get("cols").asDouble();
                    weighted += size * module.get("weightDecay").asDouble() / 0.1;
                    parameters += size;
                }
                decayMultiples
                        .computeIfAbsent(latest.get("step").asLong(), s -> new ArrayList<>())
                        .add(weighted / parameters);
            }
        }

        List<Map<String, String>> cells = csv(out.resolve("summary.csv"));
        assertThat(cells)
                .extracting(c -> c.get("policy") + "@" + c.get("wd0") + " n=" + c.get("n"))
                .containsExactly("uniform@0.1 n=2", "alphadecay@0.1 n=2");
        for (Map<String, String> cell : cells) {
            List<Double> values = List.copyOf(finals.get(cell.get("policy")).values());
            double mean = (values.get(0) + values.get(1)) / 2;
            double sd = Math.abs(values.get(0) - values.get(1)) / Math.sqrt(2); // sample sd of two values
            assertThat(Double.parseDouble(cell.get("mean_final_val_perplexity")))
                    .isCloseTo(mean, within(1e-9));
            assertThat(Double.parseDouble(cell.get("sd_final_val_perplexity"))).isCloseTo(sd, within(1e-9));
        }
        double d1 = finals.get("alphadecay").get(1L) - finals.get("uniform").get(1L);
        double d2 = finals.get("alphadecay").get(2L) - finals.get("uniform").get(2L);
        double meanDifference = (d1 + d2) / 2;
        double standardError = Math.abs(d1 - d2) / Math.sqrt(2) / Math.sqrt(2);
        String summary = Files.readString(out.resolve("summary.md"));
        assertThat(summary)
                .contains(
                        String.format(Locale.ROOT, "| 0.1 | 2 | 1, 2 | %+.2f | %.2f |", meanDifference, standardError));
        for (String policy : List.of("uniform", "alphadecay")) {
            List<Double> values = List.copyOf(finals.get(policy).values());
            assertThat(summary)
                    .contains(String.format(
                            Locale.ROOT, "| %s | 0.1 | 2 | %.2f |", policy, (values.get(0) + values.get(1)) / 2));
        }
        assertThat(summary).contains("./alphadecay experiment --grid " + grid, "None: every run succeeded");
        // The decays AlphaDecay gave at the last analysis, as a multiple of wd0 weighed by parameters
        assertThat(decayMultiples).hasSize(1);
        decayMultiples.forEach((step, multiples) -> {
            String decays = summary.substring(summary.indexOf("### Decays AlphaDecay assigned"));
            assertThat(decays.lines())
                    .anySatisfy(line -> assertThat(line)
                            .startsWith("| " + step + " |")
                            .endsWith(String.format(
                                    Locale.ROOT, " | %.2f |", (multiples.get(0) + multiples.get(1)) / 2)));
        });

        for (String chart : List.of("perplexity.png", "alpha-by-type.png")) {
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(Files.readAllBytes(out.resolve(chart))));
            assertThat(image).as(chart).isNotNull();
            assertThat(image.getWidth()).as(chart).isEqualTo(960);
        }

        // The same command again: it attaches to the four runs and writes the same results.
        Map<String, byte[]> before = snapshot(out);
        Harness second = harness(grid, out);
        assertThat(second.exit()).as(second.output()).isZero();
        JsonNode all = json(controlApi
                        .asOperator("GET", "/api/v1/runs?limit=100", null)
                        .body())
                .get("items");
        assertThat(all).hasSize(4);
        assertThat(csv(out.resolve("runs.csv"))).isEqualTo(rows);
        Map<String, byte[]> after = snapshot(out);
        assertThat(after.keySet()).isEqualTo(before.keySet());
        for (String file : before.keySet()) {
            if (file.equals("summary.md")) {
                assertThat(withoutDate(after.get(file))).isEqualTo(withoutDate(before.get(file)));
                assertThat(new String(after.get(file))).contains("- Date: ");
            } else {
                assertThat(after.get(file)).as(file).isEqualTo(before.get(file));
            }
        }
    }

    private record Harness(int exit, String output) {}

    /** The harness from the CLI's jar, as the launcher starts it. */
    private static Harness harness(Path grid, Path out) throws Exception {
        Path tokenFile = work.resolve("operator-token");
        Files.writeString(tokenFile, ServiceProcess.OPERATOR_TOKEN);
        Path log = Files.createTempFile(work, "harness", ".log");
        Process process = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-jar",
                        Path.of("..", "cli", "target", "alphadecay-cli.jar")
                                .toAbsolutePath()
                                .toString(),
                        "experiment",
                        "--api",
                        controlApi.url().toString(),
                        "--token-file",
                        tokenFile.toString(),
                        "--poll-millis",
                        "500",
                        "--grid",
                        grid.toString(),
                        "--out",
                        out.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        if (!process.waitFor(150, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the harness did not finish in 150 s:\n" + Files.readString(log)
                    + "\ntrainer log:\n" + trainer.log());
        }
        return new Harness(process.exitValue(), Files.readString(log));
    }

    private static List<Map<String, String>> csv(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file);
        String[] header = lines.get(0).split(",", -1);
        List<Map<String, String>> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split(",", -1); // no value of this grid holds a comma or a quote
            assertThat(cells).as(line).hasSize(header.length);
            Map<String, String> row = new HashMap<>();
            for (int i = 0; i < header.length; i++) {
                row.put(header[i], cells[i]);
            }
            rows.add(row);
        }
        return rows;
    }

    private static Map<String, byte[]> snapshot(Path dir) throws IOException {
        Map<String, byte[]> files = new HashMap<>();
        try (var listing = Files.list(dir)) {
            for (Path file : listing.toList()) {
                files.put(file.getFileName().toString(), Files.readAllBytes(file));
            }
        }
        return files;
    }

    private static String withoutDate(byte[] markdown) {
        return new String(markdown).replaceAll("(?m)^- Date: .*$", "- Date:");
    }

    private static JsonNode json(String body) {
        return JSON.readTree(body);
    }
}
