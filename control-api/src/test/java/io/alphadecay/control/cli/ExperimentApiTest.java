package io.alphadecay.control.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

import io.alphadecay.control.support.ApiTestBase;
import org.junit.jupiter.api.Test;

/** The harness's client against the real control-api: idempotent creation, finding runs again, refusals. */
class ExperimentApiTest extends ApiTestBase {

    private ExperimentApi api() {
        return new ExperimentApi(URI.create("http://127.0.0.1:" + port), OPERATOR_TOKEN, Duration.ofSeconds(5),
                System.err);
    }

    private static ExperimentGrid grid(String name, int steps) throws Exception {
        return ExperimentGrid.parse(Path.of("g.yaml"), "name: " + name + "\nbase: {preset: tiny, steps: " + steps
                + "}\npolicies: [uniform]\nweightDecays: [0.1]\nseeds: [1]\n");
    }

    @Test
    void theSameCellCreatesOneRunAndAChangedConfigurationANewOne() throws Exception {
        String name = uniqueName("exp");
        ExperimentGrid grid = grid(name, 50);
        ExperimentGrid.Cell cell = grid.cells().get(0);

        String first = api().create(grid.config(cell), grid.idempotencyKey(cell)).get("id").asString();
        String again = api().create(grid.config(cell), grid.idempotencyKey(cell)).get("id").asString();
        ExperimentGrid changed = grid(name, 60);
        String other = api().create(changed.config(cell), changed.idempotencyKey(cell)).get("id").asString();

        assertThat(again).isEqualTo(first);
        assertThat(other).isNotEqualTo(first);
        assertThat(operator.get("/api/v1/runs?name=" + cell.runName(name)).json().get("items")).hasSize(2);
        // --report-only finds each grid's own run among runs of the same name
        assertThat(api().find(grid.config(cell))).hasValueSatisfying(r -> assertThat(r.get("id").asString())
                .isEqualTo(first));
        assertThat(api().find(changed.config(cell))).hasValueSatisfying(r -> assertThat(r.get("id").asString())
                .isEqualTo(other));
        assertThat(api().find(grid(name, 70).config(cell))).isEmpty();
    }

    @Test
    void aConfigurationTheControlApiRefusesIsReportedWithItsDetail() throws Exception {
        ExperimentGrid grid = grid(uniqueName("exp"), 0);
        ExperimentGrid.Cell cell = grid.cells().get(0);

        assertThatThrownBy(() -> api().create(grid.config(cell), grid.idempotencyKey(cell)))
                .isInstanceOf(ExperimentApi.Refused.class).hasMessageContaining("steps")
                .satisfies(ex -> assertThat(((ExperimentApi.Refused) ex).status()).isEqualTo(400));
    }

    @Test
    void anUnreachableControlApiIsRetriedThenGivenUp() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        ExperimentApi api = new ExperimentApi(URI.create("http://127.0.0.1:" + closed), OPERATOR_TOKEN,
                Duration.ofMillis(2500), new PrintStream(log, true));

        assertThatThrownBy(() -> api.get("/api/v1/runs")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is unreachable").hasMessageContaining("gave up");
        assertThat(log.toString()).contains("retrying in 1 s");
        assertThat(log.toString()).doesNotContain(OPERATOR_TOKEN);
    }
}
