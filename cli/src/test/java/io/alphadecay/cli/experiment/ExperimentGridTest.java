package io.alphadecay.cli.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;

class ExperimentGridTest {

    private static final Path FILE = Path.of("grid.yaml");
    private static final String GRID = """
            name: g1
            base:
              preset: tiny
              steps: 40
              decay: {interval: 10, s1: 0.5, s2: 4}
            policies: [uniform, alphadecay, none]
            weightDecays: [0.05, 0.1]
            seeds: [1, 7]
            """;

    @Test
    void crossesPoliciesWeightDecaysAndSeedsWithNoneOncePerSeed() throws Exception {
        ExperimentGrid grid = ExperimentGrid.parse(FILE, GRID);

        assertThat(grid.cells())
                .extracting(cell -> cell.runName(grid.name()))
                .containsExactly(
                        "g1-uniform-wd0.05-s1",
                        "g1-uniform-wd0.05-s7",
                        "g1-uniform-wd0.1-s1",
                        "g1-uniform-wd0.1-s7",
                        "g1-alphadecay-wd0.05-s1",
                        "g1-alphadecay-wd0.05-s7",
                        "g1-alphadecay-wd0.1-s1",
                        "g1-alphadecay-wd0.1-s7",
                        "g1-none-wd0-s1",
                        "g1-none-wd0-s7");
    }

    @Test
    void aCellsConfigurationIsTheBaseWithItsNameSeedDecayAndPolicy() throws Exception {
        ExperimentGrid grid = ExperimentGrid.parse(FILE, GRID);

        Map<String, Object> config = grid.config(new ExperimentGrid.Cell("alphadecay", 0.1, 7));

        assertThat(config)
                .containsEntry("name", "g1-alphadecay-wd0.1-s7")
                .containsEntry("seed", 7L)
                .containsEntry("weightDecay", 0.1)
                .containsEntry("preset", "tiny")
                .containsEntry("steps", 40);
        assertThat(config.get("decay")).isEqualTo(Map.of("interval", 10, "s1", 0.5, "s2", 4, "policy", "alphadecay"));
        assertThat(grid.base()).doesNotContainKey("name"); // the base itself is left as it was
    }

    @Test
    void theIdempotencyKeyFollowsTheResolvedConfigurationNotTheOrderOfTheFile() throws Exception {
        ExperimentGrid grid = ExperimentGrid.parse(FILE, GRID);
        ExperimentGrid reordered = ExperimentGrid.parse(FILE, """
                seeds: [1, 7]
                weightDecays: [0.05, 0.1]
                policies: [uniform, alphadecay, none]
                base:
                  decay: {s2: 4, s1: 0.5, interval: 10}
                  steps: 40
                  preset: tiny
                name: g1
                """);
        ExperimentGrid changed = ExperimentGrid.parse(FILE, GRID.replace("steps: 40", "steps: 41"));
        ExperimentGrid.Cell cell = new ExperimentGrid.Cell("uniform", 0.05, 1);

        assertThat(grid.idempotencyKey(cell))
                .startsWith("experiment:g1:uniform:wd0.05:s1:")
                .isEqualTo(reordered.idempotencyKey(cell))
                .isNotEqualTo(changed.idempotencyKey(cell))
                .isNotEqualTo(grid.idempotencyKey(new ExperimentGrid.Cell("uniform", 0.05, 7)));
        assertThat(grid.idempotencyKey(cell).length()).isLessThanOrEqualTo(200);
    }

    @Test
    void weightDecaysMayBeLeftOutWhenTheOnlyPolicyIsNone() throws Exception {
        ExperimentGrid grid = ExperimentGrid.parse(FILE, "name: n\npolicies: [none]\nseeds: [3]\n");

        assertThat(grid.cells()).containsExactly(new ExperimentGrid.Cell("none", 0, 3));
        assertThat(grid.base()).isEmpty();
    }

    @Test
    void aBadGridFailsWithOneLineNamingTheFileAndTheKey() {
        assertRefused(GRID.replace("name: g1", "name: 'a b'"), "grid.yaml: name: must be 1–100 letters");
        assertRefused(GRID.replace("name: g1\n", ""), "grid.yaml: name: is required");
        assertRefused(GRID + "seed: 3\n", "grid.yaml: seed: unknown key");
        assertRefused(
                GRID.replace("[uniform, alphadecay, none]", "[uniform, adamw]"),
                "grid.yaml: policies[1]: must be none, uniform or alphadecay (got 'adamw')");
        assertRefused(
                GRID.replace("[uniform, alphadecay, none]", "[uniform, uniform]"),
                "grid.yaml: policies[1]: 'uniform' is listed twice");
        assertRefused(
                GRID.replace("[uniform, alphadecay, none]", "[]"), "grid.yaml: policies: must be a non-empty list");
        assertRefused(GRID.replace("[0.05, 0.1]", "[0.05, high]"), "grid.yaml: weightDecays[1]: must be a number");
        assertRefused(GRID.replace("[0.05, 0.1]", "[11]"), "grid.yaml: weightDecays[0]: must be a number from 0 to 10");
        assertRefused(GRID.replace("weightDecays: [0.05, 0.1]\n", ""), "grid.yaml: weightDecays: is required");
        assertRefused(GRID.replace("[1, 7]", "[1, -2]"), "grid.yaml: seeds[1]: must be a whole number");
        assertRefused(GRID.replace("[1, 7]", "[1.5]"), "grid.yaml: seeds[0]: must be a whole number");
        assertRefused(GRID.replace("[1, 7]", "[7, 7]"), "grid.yaml: seeds[1]: 7 is listed twice");
        assertRefused(GRID.replace("  steps: 40", "  seed: 4"), "grid.yaml: base.seed: is set by the grid");
        assertRefused(GRID.replace("  steps: 40", "  weightDecay: 0.1"), "grid.yaml: base.weightDecay: is set by");
        assertRefused(
                GRID.replace("{interval: 10,", "{policy: none, interval: 10,"),
                "grid.yaml: base.decay.policy: is set by the grid");
        assertRefused(
                GRID.replace("  decay: {interval: 10, s1: 0.5, s2: 4}", "  decay: 3"),
                "grid.yaml: base.decay: must be a mapping");
        assertRefused("- a\n- b\n", "grid.yaml: (file): must be a YAML mapping");
        assertRefused("name: [unclosed\n", "grid.yaml: (file): is not valid YAML");
    }

    @Test
    void anUnreadableFileIsReportedWithItsPath(@org.junit.jupiter.api.io.TempDir Path dir) {
        assertThatThrownBy(() -> ExperimentGrid.parse(dir.resolve("missing.yaml")))
                .hasMessageStartingWith(dir.resolve("missing.yaml") + ": (file): cannot be read");
    }

    @Test
    void theCommittedGridsHaveAsManyRunsAsTheirCommentsSay() throws Exception {
        for (String file : java.util.List.of("cpu-small-adamw.yaml", "cpu-small-adam-l2.yaml")) {
            Path path = Path.of("..", "experiments", file); // tests run in control-api
            ExperimentGrid grid = ExperimentGrid.parse(path);
            assertThat(grid.name() + ".yaml").isEqualTo(file);
            assertThat(grid.policies()).containsExactly("uniform", "alphadecay", "none");
            assertThat(grid.seeds()).hasSize(3);
            // two decaying policies at every wd0, and none once per seed
            int runs = 2 * grid.weightDecays().size() * grid.seeds().size()
                    + grid.seeds().size();
            assertThat(grid.cells()).as(file).hasSize(runs);
            String header =
                    String.join("\n", java.nio.file.Files.readAllLines(path).subList(0, 2));
            assertThat(header).as(file).contains(" " + runs + " runs");
        }
    }

    @Test
    void numbersAreWrittenAsPeopleWriteThem() {
        assertThat(ExperimentGrid.number(0.1)).isEqualTo("0.1");
        assertThat(ExperimentGrid.number(0.0005)).isEqualTo("0.0005");
        assertThat(ExperimentGrid.number(2.0)).isEqualTo("2");
        assertThat(ExperimentGrid.number(0)).isEqualTo("0");
        assertThat(ExperimentGrid.number(10)).isEqualTo("10");
    }

    private static void assertRefused(String yaml, String message) {
        assertThatThrownBy(() -> ExperimentGrid.parse(FILE, yaml))
                .isInstanceOf(ExperimentGrid.GridException.class)
                .hasMessageStartingWith(message)
                .satisfies(ex -> assertThat(ex.getMessage()).doesNotContain("\n"));
    }
}
