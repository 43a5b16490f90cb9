package io.alphadecay.cli.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

import io.alphadecay.api.client.ControlApiClient;
import io.alphadecay.api.client.Refused;
import io.alphadecay.api.client.RetryPolicy;
import io.alphadecay.api.client.Unavailable;
import io.alphadecay.cli.support.SharedControlApi;
import io.alphadecay.testing.ServiceProcess;
import org.junit.jupiter.api.Test;

/** The harness's client against a real control-api: idempotent creation, finding runs again, refusals, retries. */
class ExperimentApiTest {

    private static ExperimentApi api() {
        return new ExperimentApi(SharedControlApi.operator());
    }

    private static ExperimentGrid grid(String name, int steps) throws Exception {
        return ExperimentGrid.parse(
                Path.of("g.yaml"),
                "name: " + name + "\nbase: {preset: tiny, steps: " + steps
                        + "}\npolicies: [uniform]\nweightDecays: [0.1]\nseeds: [1]\n");
    }

    @Test
    void theSameCellCreatesOneRunAndAChangedConfigurationANewOne() throws Exception {
        String name = SharedControlApi.uniqueName("exp");
        ExperimentGrid grid = grid(name, 50);
        ExperimentGrid.Cell cell = grid.cells().get(0);

        String first =
                api().create(grid.config(cell), grid.idempotencyKey(cell)).id().toString();
        String again =
                api().create(grid.config(cell), grid.idempotencyKey(cell)).id().toString();
        ExperimentGrid changed = grid(name, 60);
        String other = api().create(changed.config(cell), changed.idempotencyKey(cell))
                .id()
                .toString();

        assertThat(again).isEqualTo(first);
        assertThat(other).isNotEqualTo(first);
        assertThat(SharedControlApi.operator()
                        .listRuns(null, cell.runName(name), null, 10)
                        .items())
                .hasSize(2);
        // --report-only finds each grid's own run among runs of the same name
        assertThat(api().find(grid.config(cell)))
                .hasValueSatisfying(r -> assertThat(r.id().toString()).isEqualTo(first));
        assertThat(api().find(changed.config(cell)))
                .hasValueSatisfying(r -> assertThat(r.id().toString()).isEqualTo(other));
        assertThat(api().find(grid(name, 70).config(cell))).isEmpty();
    }

    @Test
    void aConfigurationTheControlApiRefusesIsReportedWithItsDetail() throws Exception {
        ExperimentGrid grid = grid(SharedControlApi.uniqueName("exp"), 0);
        ExperimentGrid.Cell cell = grid.cells().get(0);

        assertThatThrownBy(() -> api().create(grid.config(cell), grid.idempotencyKey(cell)))
                .isInstanceOf(Refused.class)
                .hasMessageContaining("steps")
                .satisfies(ex -> assertThat(((Refused) ex).status()).isEqualTo(400))
                .satisfies(ex -> assertThat(((Refused) ex).problem())
                        .hasValueSatisfying(p -> assertThat(p.slug()).isEqualTo("validation-failed")));
    }

    @Test
    void anUnreachableControlApiIsRetriedThenGivenUp() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PrintStream printed = new PrintStream(log, true);
        ControlApiClient client = ControlApiClient.builder(
                        URI.create("http://127.0.0.1:" + closed), ServiceProcess.OPERATOR_TOKEN)
                .optRetry(RetryPolicy.patience(Duration.ofMillis(2500)))
                .optRetryListener((call, failed, pause, cause) ->
                        printed.println(cause.getMessage() + "; retrying in " + pause.toSeconds() + " s"))
                .build();

        assertThatThrownBy(() -> new ExperimentApi(client).run("00000000-0000-0000-0000-000000000001"))
                .isInstanceOf(Unavailable.class)
                .hasMessageContaining("is unreachable")
                .hasMessageContaining("gave up");
        assertThat(log.toString()).contains("retrying in 1 s");
        assertThat(log.toString()).doesNotContain(ServiceProcess.OPERATOR_TOKEN);
    }
}
