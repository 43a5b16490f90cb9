package io.alphadecay.control.metric;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.alphadecay.control.support.Api;
import io.alphadecay.control.support.ApiTestBase;
import io.alphadecay.control.support.Fixtures;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class MetricApiTest extends ApiTestBase {

    private String run;

    @BeforeEach
    void run() {
        run = operator.post("/api/v1/runs", Fixtures.tinyRun(uniqueName("metrics")))
                .json()
                .get("id")
                .asString();
    }

    @Test
    void storesABatchAndReadsItBackInStepOrder() {
        Api.Response posted = service.post(
                path(),
                Map.of(
                        "points",
                        List.of(
                                Map.of("name", "val_perplexity", "step", 10, "value", 40.5),
                                Map.of("name", "train_loss", "step", 2, "value", 3.2),
                                Map.of("name", "train_loss", "step", 1, "value", 3.5))));
        assertThat(posted.status()).isEqualTo(200);
        assertThat(posted.json().get("accepted").asInt()).isEqualTo(3);

        JsonNode points = operator.get(path()).json().get("points");
        assertThat(points).extracting(p -> p.get("step").asLong()).containsExactly(1L, 2L, 10L);
        assertThat(points.get(0).get("value").asDouble()).isEqualTo(3.5);
        assertThat(points.get(0).has("time")).as("write times only on request").isFalse();
        JsonNode timed = operator.get(path() + "?withTime=true").json().get("points");
        assertThat(java.time.Instant.parse(timed.get(0).get("time").asString()))
                .isBetween(java.time.Instant.now().minusSeconds(60), java.time.Instant.now());

        JsonNode loss = operator.get(path() + "?name=train_loss").json().get("points");
        assertThat(loss)
                .hasSize(2)
                .allSatisfy(p -> assertThat(p.get("name").asString()).isEqualTo("train_loss"));
    }

    @Test
    void resendingTheSameStepOverwritesInsteadOfDuplicating() {
        service.post(path(), Fixtures.points("train_loss", 0, 100, 5.0));
        Api.Response retried = service.post(path(), Fixtures.points("train_loss", 0, 100, 5.0));
        service.post(
                path(),
                Map.of(
                        "points",
                        List.of(
                                Map.of("name", "train_loss", "step", 7, "value", 1.25),
                                Map.of("name", "train_loss", "step", 7, "value", 1.5))));

        assertThat(retried.status()).isEqualTo(200);
        JsonNode points = operator.get(path() + "?name=train_loss").json().get("points");
        assertThat(points).hasSize(100);
        assertThat(points.get(7).get("value").asDouble()).isEqualTo(1.5);
        Long stored = jdbc.sql("SELECT count(*) FROM metric_points WHERE run_id = :run")
                .param("run", java.util.UUID.fromString(run))
                .query(Long.class)
                .single();
        assertThat(stored).isEqualTo(100);
    }

    @Test
    void aBatchWithOneBadPointStoresNothingAndNamesThePoint() {
        List<Map<String, Object>> points = new ArrayList<>();
        points.add(Map.of("name", "train_loss", "step", 1, "value", 3.0));
        points.add(Map.of("name", "train_loss", "value", 2.9));
        Api.Response missingStep = service.post(path(), Map.of("points", points));
        assertThat(missingStep.status()).isEqualTo(400);
        assertThat(missingStep.json().at("/errors/0/field").asString()).isEqualTo("points[1].step");

        Api.Response badName = service.post(
                path(), Map.of("points", List.of(Map.of("name", "loss with spaces", "step", 1, "value", 1.0))));
        assertThat(badName.json().at("/errors/0/field").asString()).isEqualTo("points[0].name");

        Api.Response nan = service.post(path(), "{\"points\":[{\"name\":\"x\",\"step\":1,\"value\":NaN}]}");
        assertThat(nan.status()).isEqualTo(400);

        Api.Response negative =
                service.post(path(), Map.of("points", List.of(Map.of("name", "x", "step", -4, "value", 1))));
        assertThat(negative.json().at("/errors/0/field").asString()).isEqualTo("points[0].step");

        assertThat(operator.get(path()).json().get("points")).isEmpty();
    }

    @Test
    void batchesAreLimitedToTenThousandPoints() {
        Api.Response full = service.post(path(), Fixtures.points("train_loss", 0, 10_000, 9.0));
        assertThat(full.status()).isEqualTo(200);
        assertThat(full.json().get("accepted").asInt()).isEqualTo(10_000);

        Api.Response over = service.post(path(), Fixtures.points("train_loss", 0, 10_001, 9.0));
        assertThat(over.status()).isEqualTo(400);
        assertThat(over.json().at("/errors/0/field").asString()).isEqualTo("points");
    }

    @Test
    void readsAStepRangeAndDownsamplesKeepingBothEnds() {
        service.post(path(), Fixtures.points("train_loss", 0, 1000, 9.0));
        service.post(path(), Fixtures.points("val_loss", 0, 10, 9.0));

        JsonNode range = operator.get(path() + "?name=train_loss&fromStep=100&toStep=199")
                .json()
                .get("points");
        assertThat(range).hasSize(100);
        assertThat(range.get(0).get("step").asLong()).isEqualTo(100);
        assertThat(range.get(99).get("step").asLong()).isEqualTo(199);

        JsonNode thinned =
                operator.get(path() + "?name=train_loss&maxPoints=50").json().get("points");
        assertThat(thinned).hasSize(50);
        assertThat(thinned.get(0).get("step").asLong()).isZero();
        assertThat(thinned.get(49).get("step").asLong()).isEqualTo(999);
        for (int i = 1; i < thinned.size(); i++) {
            long gap = thinned.get(i).get("step").asLong()
                    - thinned.get(i - 1).get("step").asLong();
            assertThat(gap).isBetween(19L, 22L);
        }

        // Each series is thinned on its own: the short one keeps all of its points.
        JsonNode both = operator.get(path() + "?maxPoints=20").json().get("points");
        assertThat(both)
                .filteredOn(p -> p.get("name").asString().equals("val_loss"))
                .hasSize(10);
        assertThat(both)
                .filteredOn(p -> p.get("name").asString().equals("train_loss"))
                .hasSize(20);
    }

    @Test
    void aLongSeriesComesBackThinnedToTheDefaultUnlessMoreAreAskedFor() {
        service.post(path(), Fixtures.points("train_loss", 0, 2500, 9.0));

        JsonNode byDefault = operator.get(path() + "?name=train_loss").json().get("points");
        assertThat(byDefault).hasSize(1000);
        assertThat(byDefault.get(0).get("step").asLong()).isZero();
        assertThat(byDefault.get(999).get("step").asLong()).isEqualTo(2499);

        assertThat(operator.get(path() + "?name=train_loss&maxPoints=2500")
                        .json()
                        .get("points"))
                .hasSize(2500);
        assertThat(operator.get(path() + "?name=train_loss&maxPoints=2").json().get("points"))
                .extracting(p -> p.get("step").asLong())
                .containsExactly(0L, 2499L);
    }

    @Test
    void aReadAfterAWriteSeesTheNewPoints() {
        service.post(path(), Fixtures.points("train_loss", 0, 10, 9.0));
        assertThat(operator.get(path() + "?name=train_loss").json().get("points"))
                .hasSize(10);
        assertThat(operator.get(path() + "?name=train_loss").json().get("points"))
                .hasSize(10);

        service.post(path(), Fixtures.points("train_loss", 10, 5, 9.0));
        assertThat(operator.get(path() + "?name=train_loss").json().get("points"))
                .hasSize(15);
        // an overwritten value, not a new point
        service.post(path(), Map.of("points", List.of(Map.of("name", "train_loss", "step", 0, "value", 0.25))));
        assertThat(operator.get(path() + "?name=train_loss")
                        .json()
                        .at("/points/0/value")
                        .asDouble())
                .isEqualTo(0.25);
    }

    @Test
    void badReadParametersAreProblems() {
        assertThat(operator.get(path() + "?fromStep=10&toStep=5")
                        .json()
                        .at("/errors/0/field")
                        .asString())
                .isEqualTo("fromStep");
        assertThat(operator.get(path() + "?maxPoints=1")
                        .json()
                        .at("/errors/0/field")
                        .asString())
                .isEqualTo("maxPoints");
        assertThat(operator.get(path() + "?fromStep=-1").status()).isEqualTo(400);
        assertThat(operator.get(path() + "?fromStep=abc")
                        .json()
                        .at("/errors/0/field")
                        .asString())
                .isEqualTo("fromStep");
        assertThat(operator.get("/api/v1/runs/" + java.util.UUID.randomUUID() + "/metrics")
                        .status())
                .isEqualTo(404);
        assertThat(service.post(
                                "/api/v1/runs/" + java.util.UUID.randomUUID() + "/metrics",
                                Fixtures.points("x", 0, 1, 1))
                        .status())
                .isEqualTo(404);
    }

    private String path() {
        return "/api/v1/runs/" + run + "/metrics";
    }
}
