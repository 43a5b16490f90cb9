package io.alphadecay.control.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;

import io.alphadecay.control.support.Api;
import io.alphadecay.control.support.ApiTestBase;
import io.alphadecay.control.support.Fixtures;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ReportApiTest extends ApiTestBase {

    private static final HttpClient BYTES = HttpClient.newHttpClient();
    private static final String SCRIPT = "<script>alert('x')</script>";
    private static final long[] EVAL_STEPS = {10, 20, 30, 40};
    private static final double[] AD_PERPLEXITY = {80.5, 61.25, 55.0, 57.5};
    private static final double[] UNIFORM_PERPLEXITY = {82.0, 60.0, 58.5, 59.75};

    private String ad;
    private String adName;
    private String uniform;
    private List<Map<String, Object>> latestModules;

    @BeforeEach
    void twoRunsWithData() {
        // The runs differ in exactly three configuration keys: decay.policy, weightDecay and dataset.
        ad = create("report-ad", "alphadecay", 0.1, SCRIPT);
        adName = operator.get("/api/v1/runs/" + ad).json().get("name").asString();
        uniform = create("report-uniform", "uniform", 0.2, "default");
        postPerplexity(ad, AD_PERPLEXITY);
        postPerplexity(uniform, UNIFORM_PERPLEXITY);
        assertThat(service.post("/api/v1/runs/" + ad + "/metrics", Fixtures.points("train_loss", 1, 60, 4.0))
                        .status())
                .isEqualTo(200);
        assertThat(service.post("/api/v1/runs/" + uniform + "/metrics", Fixtures.points("train_loss", 1, 60, 4.2))
                        .status())
                .isEqualTo(200);

        // An earlier analysis whose values must not leak into the report, then the latest one.
        assertThat(service.post(
                                "/api/v1/runs/" + ad + "/analyses",
                                Fixtures.analysis(
                                        0,
                                        List.of(Fixtures.module(0, "q", 9.0, 0.9), Fixtures.module(0, "k", 9.5, 0.95))))
                        .status())
                .isEqualTo(201);
        latestModules = new ArrayList<>(List.of(
                Fixtures.module(0, "k", 2.5, 0.0667), Fixtures.module(1, "k", 3.5, 0.2),
                Fixtures.module(1, "q", 2.0, 0.05), Fixtures.module(0, "up", 4.0, 0.4),
                Fixtures.module(1, "up", 5.5, 0.5), Fixtures.module(0, "down", 3.0, 0.1)));
        Map<String, Object> tooSmall = new LinkedHashMap<>(Fixtures.module(0, "gate", 1.0, 0.3));
        tooSmall.put("status", "too-small");
        tooSmall.put("alpha", null);
        tooSmall.put("weightDecay", null);
        latestModules.add(tooSmall);
        assertThat(service.post("/api/v1/runs/" + ad + "/analyses", Fixtures.analysis(50, latestModules))
                        .status())
                .isEqualTo(201);
        assertThat(operator.put(
                                "/api/v1/runs/" + ad + "/decay-overrides",
                                Map.of("overrides", Map.of("model.layers.1.mlp.up_proj.weight", 0.05)))
                        .status())
                .isEqualTo(200);
    }

    @Test
    void theReportListsBothRunsAndTheirPerplexities() {
        Api.Response response = operator.get("/api/v1/reports/compare?runs=" + ad + "," + uniform);

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.contentType()).startsWith("text/html").containsIgnoringCase("charset=UTF-8");
        Document page = Jsoup.parse(response.raw().body());
        assertThat(page.select("#runs-table tbody tr"))
                .extracting(tr -> tr.attr("data-run"))
                .containsExactly(ad, uniform);
        Element adRow = page.selectFirst("#runs-table tr[data-run=" + ad + "]");
        assertThat(adRow.selectFirst(".name").text()).isEqualTo(adName);
        assertThat(adRow.selectFirst(".id").text()).isEqualTo(ad);
        assertThat(adRow.selectFirst(".policy").text()).isEqualTo("alphadecay");
        assertThat(adRow.selectFirst(".preset").text()).isEqualTo("tiny");
        assertThat(adRow.selectFirst(".state").text()).isEqualTo("QUEUED");
        assertThat(page.selectFirst("#runs-table tr[data-run=" + uniform + "] .policy")
                        .text())
                .isEqualTo("uniform");

        int bestAd = argMin(AD_PERPLEXITY);
        int bestUniform = argMin(UNIFORM_PERPLEXITY);
        double lastAd = AD_PERPLEXITY[AD_PERPLEXITY.length - 1];
        double lastUniform = UNIFORM_PERPLEXITY[UNIFORM_PERPLEXITY.length - 1];
        Element adPpl = page.selectFirst("#perplexity-table tr[data-run=" + ad + "]");
        assertThat(value(adPpl, ".final")).isEqualTo(lastAd);
        assertThat(adPpl.selectFirst(".final-step").text()).isEqualTo(Long.toString(EVAL_STEPS[EVAL_STEPS.length - 1]));
        assertThat(value(adPpl, ".best")).isEqualTo(AD_PERPLEXITY[bestAd]);
        assertThat(adPpl.selectFirst(".best-step").text()).isEqualTo(Long.toString(EVAL_STEPS[bestAd]));
        Element uniformPpl = page.selectFirst("#perplexity-table tr[data-run=" + uniform + "]");
        assertThat(value(uniformPpl, ".best")).isEqualTo(UNIFORM_PERPLEXITY[bestUniform]);
        assertThat(uniformPpl.selectFirst(".best-step").text()).isEqualTo(Long.toString(EVAL_STEPS[bestUniform]));
        assertThat(value(uniformPpl, ".delta-final")).isCloseTo(lastUniform - lastAd, within(1e-9));
        assertThat(value(uniformPpl, ".delta-best"))
                .isCloseTo(UNIFORM_PERPLEXITY[bestUniform] - AD_PERPLEXITY[bestAd], within(1e-9));
        assertThat(uniformPpl.selectFirst(".delta-final").text())
                .isEqualTo(String.format(java.util.Locale.ROOT, "%+.3f", lastUniform - lastAd));
        assertThat(adPpl.select(".delta-final")).isEmpty();

        assertThat(page.getElementById("chart-perplexity").attr("src")).startsWith("data:image/png;base64,");
        assertThat(page.getElementById("chart-train-loss").attr("src")).startsWith("data:image/png;base64,");
    }

    @Test
    void configurationDifferencesAreExactlyTheKeysThatDiffer() {
        Document page = report(ad, uniform);

        assertThat(page.select("#config-diff tbody tr"))
                .extracting(tr -> tr.attr("data-key"))
                .containsExactlyInAnyOrder("decay.policy", "weightDecay", "dataset");
        Element wd = page.selectFirst("#config-diff tr[data-key=weightDecay]");
        assertThat(wd.select("td")).extracting(Element::text).containsExactly("0.1", "0.2");
        Element dataset = page.selectFirst("#config-diff tr[data-key=dataset]");
        assertThat(dataset.select("td")).extracting(Element::text).containsExactly(SCRIPT, "default");

        Map<String, Object> adConfig =
                Api.JSON.convertValue(operator.get("/api/v1/runs/" + ad).json().get("config"), Map.class);
        Set<String> keys = ConfigDiff.flatten(Api.JSON.valueToTree(adConfig)).keySet();
        int shared = keys.size() - 1 - 3; // all keys but the name and the three that differ
        assertThat(page.getElementById("config-shared-count").attr("data-value"))
                .isEqualTo(Integer.toString(shared));
        assertThat(page.select("#config-shared tr")).hasSize(shared);
        assertThat(page.selectFirst("#config-shared tr[data-key=decay.s2] td").text())
                .isEqualTo("5.0");
    }

    @Test
    void alphaStatisticsByModuleTypeComeFromTheLatestAnalysis() {
        Document page = report(ad, uniform);

        Map<String, List<Double>> expected = new LinkedHashMap<>();
        for (Map<String, Object> module : latestModules) {
            if ("ok".equals(module.get("status"))) {
                expected.computeIfAbsent((String) module.get("type"), k -> new ArrayList<>())
                        .add((Double) module.get("alpha"));
            }
        }
        Element table = page.selectFirst("table.alpha[data-run=" + ad + "]");
        assertThat(table.select("tbody tr"))
                .extracting(tr -> tr.attr("data-type"))
                .containsExactlyInAnyOrderElementsOf(expected.keySet());
        expected.forEach((type, alphas) -> {
            Element row = table.selectFirst("tr[data-type=" + type + "]");
            double min = alphas.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
            double max = alphas.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
            assertThat(row.selectFirst(".count").text()).isEqualTo(Integer.toString(alphas.size()));
            assertThat(value(row, ".mean"))
                    .isCloseTo(
                            alphas.stream()
                                    .mapToDouble(Double::doubleValue)
                                    .average()
                                    .orElseThrow(),
                            within(1e-9));
            assertThat(value(row, ".min")).isEqualTo(min);
            assertThat(value(row, ".max")).isEqualTo(max);
            assertThat(value(row, ".spread")).isCloseTo(max - min, within(1e-9));
        });
        List<Double> all = expected.values().stream().flatMap(List::stream).toList();
        double spread = all.stream().mapToDouble(Double::doubleValue).max().orElseThrow()
                - all.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
        assertThat(Double.parseDouble(
                        page.selectFirst("p.alpha-spread[data-run=" + ad + "]").attr("data-value")))
                .isCloseTo(spread, within(1e-9));
        // q and k in the block order, before the MLP types
        assertThat(table.select("tbody tr").first().attr("data-type")).isEqualTo("q");
        assertThat(page.selectFirst("p.no-data.alpha[data-run=" + uniform + "]").text())
                .isEqualTo("no data yet");
        assertThat(page.getElementById("chart-alpha-spread").attr("src")).startsWith("data:image/png;base64,");
    }

    @Test
    void decaysAreTheAssignmentWithOverridesSummarisedByType() {
        Document page = report(ad, uniform);

        Map<String, Double> expected = new LinkedHashMap<>();
        for (Map<String, Object> module : latestModules) {
            if (module.get("weightDecay") != null) {
                expected.put((String) module.get("name"), (Double) module.get("weightDecay"));
            }
        }
        expected.put("model.layers.1.mlp.up_proj.weight", 0.05);

        Element modules = page.selectFirst("details.decay-modules[data-run=" + ad + "]");
        assertThat(modules.select("tbody tr"))
                .extracting(tr -> tr.attr("data-module"))
                .containsExactlyInAnyOrderElementsOf(expected.keySet());
        expected.forEach((name, wd) -> assertThat(value(modules.selectFirst("tr[data-module=" + name + "]"), ".wd"))
                .isEqualTo(wd));
        assertThat(modules.selectFirst("tr[data-module=model.layers.1.mlp.up_proj.weight] .source")
                        .text())
                .isEqualTo("override");
        assertThat(modules.selectFirst("tr[data-module=model.layers.0.mlp.up_proj.weight] .source")
                        .text())
                .isEqualTo("analysis");

        Map<String, List<Double>> byType = expected.entrySet().stream()
                .collect(Collectors.groupingBy(
                        e -> e.getKey().replaceAll(".*\\.(\\w+)_proj\\.weight", "$1"),
                        LinkedHashMap::new,
                        Collectors.mapping(Map.Entry::getValue, Collectors.toList())));
        Element table = page.selectFirst("table.decay[data-run=" + ad + "]");
        assertThat(table.select("tbody tr")).hasSize(byType.size());
        byType.forEach((type, decays) -> {
            Element row = table.selectFirst("tr[data-type=" + type + "]");
            assertThat(row.selectFirst(".count").text()).isEqualTo(Integer.toString(decays.size()));
            assertThat(value(row, ".mean"))
                    .isCloseTo(
                            decays.stream()
                                    .mapToDouble(Double::doubleValue)
                                    .average()
                                    .orElseThrow(),
                            within(1e-12));
            assertThat(value(row, ".min"))
                    .isEqualTo(decays.stream()
                            .mapToDouble(Double::doubleValue)
                            .min()
                            .orElseThrow());
            assertThat(value(row, ".max"))
                    .isEqualTo(decays.stream()
                            .mapToDouble(Double::doubleValue)
                            .max()
                            .orElseThrow());
        });
        // The uniform run has no per-module decays: everything uses its wd0 of 0.2.
        assertThat(page.select("table.decay[data-run=" + uniform + "]")).isEmpty();
        assertThat(page.selectFirst("p.no-data.decay[data-run=" + uniform + "]"))
                .isNotNull();
    }

    @Test
    void userTextIsEscapedAndThePageReferencesNothingOutside() {
        // The API refuses such a name; one in the database (older data, a manual fix) must still be harmless.
        jdbc.sql("UPDATE runs SET name = :name WHERE id = :id")
                .param("name", "bad " + SCRIPT)
                .param("id", UUID.fromString(uniform))
                .update();

        Api.Response response = operator.get("/api/v1/reports/compare?runs=" + ad + "," + uniform);
        String html = response.raw().body();
        Document page = Jsoup.parse(html);

        assertThat(page.select("script")).isEmpty();
        assertThat(html).doesNotContain(SCRIPT);
        assertThat(page.selectFirst("#runs-table tr[data-run=" + uniform + "] .name")
                        .text())
                .isEqualTo("bad " + SCRIPT);
        assertThat(page.select("link, iframe, object, embed, base, form")).isEmpty();
        for (Element element : page.select("[src], [href]")) {
            String ref = element.hasAttr("src") ? element.attr("src") : element.attr("href");
            assertThat(ref).as(element.tagName()).matches("data:image/png;base64,.*|#[a-z-]+");
        }
        assertThat(page.select("[src]")).hasSizeGreaterThanOrEqualTo(3);
        assertThat(page.select("a[href]")).isNotEmpty();
        assertThat(html).doesNotContainIgnoringCase("http://").doesNotContainIgnoringCase("https://");
        assertThat(response.header("Content-Security-Policy")).contains("default-src 'none'");
    }

    @Test
    void theMainChartIsAPngOfTheDocumentedSize() throws IOException {
        HttpResponse<byte[]> response = png(OPERATOR_TOKEN, ad + "," + uniform);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("image/png");
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(response.body()));
        assertThat(image.getWidth()).isEqualTo(ComparisonCharts.WIDTH).isEqualTo(960);
        assertThat(image.getHeight()).isEqualTo(ComparisonCharts.HEIGHT).isEqualTo(540);
        Set<Integer> colours = colours(image);
        assertThat(colours).hasSizeGreaterThan(10);
        // Both runs are drawn, in their own colours.
        assertThat(colours).contains(0x0072B2, 0xD55E00);
        assertThat(response.body().length).isLessThan(200_000);
    }

    @Test
    void runsWithoutDataStillRender() throws IOException {
        String first = create("report-empty-a", "alphadecay", 0.1, "default");
        String second = create("report-empty-b", "uniform", 0.1, "default");

        Api.Response response = service.get("/api/v1/reports/compare?runs=" + first + "," + second);

        assertThat(response.status()).isEqualTo(200);
        Document page = Jsoup.parse(response.raw().body());
        assertThat(page.select("#perplexity-table tbody tr .no-data"))
                .extracting(Element::text)
                .containsExactly("no data yet", "no data yet");
        assertThat(page.getElementById("chart-perplexity").tagName()).isEqualTo("p");
        assertThat(page.getElementById("chart-perplexity").text()).endsWith("no data yet");
        assertThat(page.select("p.no-data.alpha")).hasSize(2);
        assertThat(page.getElementById("config-diff").select("tbody tr"))
                .extracting(tr -> tr.attr("data-key"))
                .containsExactly("decay.policy");

        HttpResponse<byte[]> png = png(SERVICE_TOKEN, first + "," + second);
        assertThat(png.statusCode()).isEqualTo(200);
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png.body()));
        assertThat(image.getWidth()).isEqualTo(ComparisonCharts.WIDTH);
        assertThat(image.getHeight()).isEqualTo(ComparisonCharts.HEIGHT);
    }

    @Test
    void badSelectionsAreProblems() {
        String nine = IntStream.range(0, 9)
                .mapToObj(i -> UUID.randomUUID().toString())
                .collect(Collectors.joining(","));
        Map<String, Integer> cases = new LinkedHashMap<>();
        cases.put("runs=" + ad, 400);
        cases.put("runs=" + nine, 400);
        cases.put("runs=" + ad + ",not-a-run", 400);
        cases.put("runs=" + ad + ",", 400);
        cases.put("runs=" + ad + "," + ad, 400);
        cases.put("other=1", 400);
        cases.put("runs=" + ad + "," + UUID.randomUUID(), 404);
        // Asked for HTML or PNG, as a browser would, the errors still come as problem+json.
        Map<String, String> endpoints =
                Map.of("/api/v1/reports/compare?", "text/html,*/*;q=0.8", "/api/v1/reports/compare.png?", "image/png");
        endpoints.forEach((endpoint, accept) -> {
            cases.forEach((query, status) -> {
                Api.Response response = operator.send(operator.request(endpoint + query)
                        .header("Accept", accept)
                        .GET());
                assertThat(response.status()).as(endpoint + query).isEqualTo(status);
                assertThat(response.contentType()).as(endpoint + query).startsWith("application/problem+json");
                assertThat(response.problemType())
                        .as(endpoint + query)
                        .isEqualTo(
                                status == 404
                                        ? "urn:alphadecay:problem:not-found"
                                        : "urn:alphadecay:problem:validation-failed");
            });
        });
        assertThat(operator.get("/api/v1/reports/compare?runs=" + ad + "," + ad)
                        .json()
                        .get("detail")
                        .asString())
                .contains("more than once");
        assertThat(operator.get("/api/v1/reports/compare?runs=" + ad)
                        .json()
                        .get("detail")
                        .asString())
                .contains("2 to 8");
        assertThat(anonymous
                        .get("/api/v1/reports/compare?runs=" + ad + "," + uniform)
                        .status())
                .isEqualTo(401);
        assertThat(service.get("/api/v1/reports/compare?runs=" + ad + "," + uniform)
                        .status())
                .isEqualTo(200);
    }

    private String create(String prefix, String policy, double weightDecay, String dataset) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", uniqueName(prefix));
        body.put("preset", "tiny");
        body.put("steps", 100);
        body.put("weightDecay", weightDecay);
        body.put("dataset", dataset);
        body.put("decay", Map.of("policy", policy));
        Api.Response created = operator.post("/api/v1/runs", body);
        assertThat(created.status()).isEqualTo(201);
        return created.json().get("id").asString();
    }

    private void postPerplexity(String run, double[] values) {
        List<Map<String, Object>> points = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            points.add(Map.of("name", "val_perplexity", "step", EVAL_STEPS[i], "value", values[i]));
        }
        assertThat(service.post("/api/v1/runs/" + run + "/metrics", Map.of("points", points))
                        .status())
                .isEqualTo(200);
    }

    private Document report(String... runs) {
        Api.Response response = operator.get("/api/v1/reports/compare?runs=" + String.join(",", runs));
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        return Jsoup.parse(response.raw().body());
    }

    private HttpResponse<byte[]> png(String token, String runs) {
        try {
            return BYTES.send(
                    new Api(port, token)
                            .request("/api/v1/reports/compare.png?runs=" + runs)
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException ex) {
            throw new java.io.UncheckedIOException(ex);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    private static double value(Element row, String selector) {
        return Double.parseDouble(row.selectFirst(selector).attr("data-value"));
    }

    private static int argMin(double[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] < values[best]) {
                best = i;
            }
        }
        return best;
    }

    private static Set<Integer> colours(BufferedImage image) {
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                colours.add(image.getRGB(x, y) & 0xFFFFFF);
            }
        }
        return colours;
    }
}
