package io.alphadecay.control.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import io.alphadecay.control.support.ApiTestBase;
import io.alphadecay.control.support.Fixtures;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

class PrometheusMetricsTest extends ApiTestBase {

    @Autowired
    RunMetricsExporter exporter;

    @Test
    void exposesRunningRunsAndDropsThemWhenTheyEnd() {
        drainQueue();
        String name = uniqueName("prom");
        String id = operator.post("/api/v1/runs", Fixtures.tinyRun(name))
                .json()
                .get("id")
                .asString();
        service.post("/api/v1/runs:claim", Map.of("workerId", "prom-worker"));
        service.post(
                "/api/v1/runs/" + id + "/metrics",
                Map.of(
                        "points",
                        List.of(
                                Map.of("name", "train_loss", "step", 1, "value", 4.5),
                                Map.of("name", "train_loss", "step", 2, "value", 4.25),
                                Map.of("name", "val_perplexity", "step", 2, "value", 70.0),
                                Map.of("name", "tokens_per_second", "step", 2, "value", 1234.0))));
        service.post(
                "/api/v1/runs/" + id + "/analyses",
                Fixtures.analysis(0, List.of(Fixtures.module(1, "gate", 3.25, 0.2))));
        service.post("/api/v1/runs/" + id + "/heartbeat", Map.of("workerId", "prom-worker", "step", 25));

        exporter.refresh();
        String scrape = operator.get("/actuator/prometheus").raw().body();

        String run = "run=\"" + id + "\"";
        assertThat(scrape)
                .containsPattern("alphadecay_runs\\{application=\"control-api\",state=\"RUNNING\"} 1(\\.0)?\\n");
        assertThat(line(scrape, "alphadecay_run_train_loss", run)).endsWith(" 4.25");
        assertThat(line(scrape, "alphadecay_run_validation_perplexity", run)).endsWith(" 70.0");
        assertThat(line(scrape, "alphadecay_run_tokens_per_second", run)).endsWith(" 1234.0");
        assertThat(line(scrape, "alphadecay_run_progress_ratio", run)).endsWith(" 0.25");
        String alpha = line(scrape, "alphadecay_module_alpha", run);
        assertThat(alpha)
                .contains("layer=\"1\"", "module_type=\"gate\"", "run_name=\"" + name + "\"")
                .endsWith(" 3.25");
        assertThat(line(scrape, "alphadecay_module_weight_decay", run)).endsWith(" 0.2");
        assertThat(scrape)
                .contains("http_server_requests_seconds_count", "jvm_memory_used_bytes", "hikaricp_connections");

        service.post("/api/v1/runs/" + id + "/state", Map.of("workerId", "prom-worker", "state", "SUCCEEDED"));
        exporter.refresh();
        String after = operator.get("/actuator/prometheus").raw().body();
        assertThat(after).doesNotContain(run);
        assertThat(after)
                .containsPattern("alphadecay_runs\\{application=\"control-api\",state=\"RUNNING\"} 0(\\.0)?\\n");
    }

    private static String line(String scrape, String metric, String label) {
        return scrape.lines()
                .filter(l -> l.startsWith(metric + "{") && l.contains(label))
                .findFirst()
                .orElseThrow(() -> new AssertionError(metric + " with " + label + " not in the scrape"));
    }
}
