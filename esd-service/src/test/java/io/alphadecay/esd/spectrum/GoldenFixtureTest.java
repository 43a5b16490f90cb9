package io.alphadecay.esd.spectrum;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.withinPercentage;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import io.alphadecay.api.analysis.Estimator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The spectrum package against golden-small.expected.json, computed independently with numpy. */
class GoldenFixtureTest {

    /** 1e-6 relative, as a percentage for AssertJ. */
    private static final double TIGHT = 1e-4;

    /** 1e-4 relative: ks-mle picks among candidates, and its α, xmin and D follow from the chosen one. */
    private static final double KS = 1e-2;

    private static GoldenCheckpoint checkpoint;

    private static JsonNode expected;

    private static List<String> names;

    @BeforeAll
    static void load() throws IOException {
        checkpoint = GoldenCheckpoint.read(GoldenCheckpoint.fixture("golden-small.safetensors"));
        expected = JsonMapper.builder()
                .build()
                .readTree(Files.readString(GoldenCheckpoint.fixture("golden-small.expected.json")));
        names = new ArrayList<>();
        for (Map.Entry<String, JsonNode> module : expected.get("modules").properties()) {
            names.add(module.getKey());
        }
        assertThat(names).as("modules in the fixture").hasSize(5);
    }

    @Test
    void medianHillAlphaEigenvalueCountAndLambdaMaxMatchTheReference() {
        SpectralAnalyzer analyzer = new SpectralAnalyzer();
        for (String name : names) {
            JsonNode want = expected.get("modules").get(name);
            GoldenCheckpoint.Matrix m = checkpoint.matrix(name);
            SpectralStats stats = analyzer.analyze(m.values(), m.rows(), m.cols(), Estimator.MEDIAN_HILL);

            assertThat(stats.numEigs()).as(name + " n").isEqualTo(want.get("n").asInt());
            assertThat(stats.alpha())
                    .as(name + " alpha_hill")
                    .isCloseTo(want.get("alpha_hill").asDouble(), withinPercentage(TIGHT));
            assertThat(stats.lambdaMax())
                    .as(name + " lambda_max")
                    .isCloseTo(want.get("lambda_max").asDouble(), withinPercentage(TIGHT));
        }
    }

    @Test
    void ksMleAlphaXminAndDistanceMatchTheReference() {
        SpectralAnalyzer analyzer = new SpectralAnalyzer();
        for (String name : names) {
            JsonNode want = expected.get("modules").get(name);
            GoldenCheckpoint.Matrix m = checkpoint.matrix(name);
            SpectralStats stats = analyzer.analyze(m.values(), m.rows(), m.cols(), Estimator.KS_MLE);

            assertThat(stats.alpha())
                    .as(name + " alpha_ks")
                    .isCloseTo(want.get("alpha_ks").asDouble(), withinPercentage(KS));
            assertThat(stats.xmin())
                    .as(name + " ks_xmin")
                    .isCloseTo(want.get("ks_xmin").asDouble(), withinPercentage(KS));
            assertThat(stats.ksDistance())
                    .as(name + " ks_distance")
                    .isCloseTo(want.get("ks_distance").asDouble(), withinPercentage(KS));
        }
    }

    @Test
    void alphaDecayOverTheFiveModulesMatchesTheReference() {
        SpectralAnalyzer analyzer = new SpectralAnalyzer();
        double[] alphas = new double[names.size()];
        for (int i = 0; i < alphas.length; i++) {
            GoldenCheckpoint.Matrix m = checkpoint.matrix(names.get(i));
            alphas[i] = analyzer.analyze(m.values(), m.rows(), m.cols(), Estimator.MEDIAN_HILL)
                    .alpha();
        }

        double[] decays = DecayFormula.alphaDecay(
                alphas,
                expected.get("wd0").asDouble(),
                expected.get("s1").asDouble(),
                expected.get("s2").asDouble());

        for (int i = 0; i < alphas.length; i++) {
            assertThat(decays[i])
                    .as(names.get(i) + " weight_decay")
                    .isCloseTo(
                            expected.get("modules")
                                    .get(names.get(i))
                                    .get("weight_decay")
                                    .asDouble(),
                            withinPercentage(TIGHT));
        }
    }

    @Test
    void decodesEachDtypeOfTheFixture() {
        // One module per dtype: F32, BF16 and F16. A wrong decoder would show up as a wrong λmax above; this says
        // which.
        assertThat(values("model.layers.0.self_attn.k_proj.weight"))
                .allMatch(Double::isFinite)
                .anyMatch(v -> v != 0);
        assertThat(values("model.layers.1.self_attn.k_proj.weight")) // BF16: the upper half of a float
                .allMatch(v -> (Float.floatToRawIntBits(v.floatValue()) & 0xffff) == 0)
                .anyMatch(v -> v != 0);
        assertThat(values("model.layers.1.self_attn.v_proj.weight"))
                .allMatch(Double::isFinite)
                .anyMatch(v -> v != 0);
    }

    private static List<Double> values(String name) {
        return Arrays.stream(checkpoint.matrix(name).values()).boxed().toList();
    }
}
