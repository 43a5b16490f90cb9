package io.alphadecay.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import io.alphadecay.control.support.Api;
import io.alphadecay.control.support.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/** The embedded default: data and generated tokens survive a restart, and no token ever reaches the log. */
@ExtendWith(OutputCaptureExtension.class)
class RestartTest {

    @TempDir
    Path home;

    @Test
    void runsMetricsAndTokensSurviveARestartOnTheEmbeddedDatabase(CapturedOutput output) throws Exception {
        String runId;
        String operatorToken;
        String serviceToken;
        try (ConfigurableApplicationContext first = start()) {
            operatorToken =
                    Files.readString(home.resolve("secrets/operator-token")).strip();
            serviceToken =
                    Files.readString(home.resolve("secrets/service-token")).strip();
            assertThat(Files.getPosixFilePermissions(home.resolve("secrets/operator-token")))
                    .isEqualTo(PosixFilePermissions.fromString("rw-------"));
            Api operator = new Api(port(first), operatorToken);
            Api service = new Api(port(first), serviceToken);

            runId = operator.post("/api/v1/runs", Fixtures.tinyRun("survivor"))
                    .json()
                    .get("id")
                    .asString();
            service.post("/api/v1/runs/" + runId + "/metrics", Fixtures.points("train_loss", 0, 50, 6.0));
            service.post(
                    "/api/v1/runs/" + runId + "/analyses",
                    Fixtures.analysis(0, List.of(Fixtures.module(0, "k", 2.5, 0.1))));
        }
        assertThat(home.resolve("pgdata/PG_VERSION")).exists();

        try (ConfigurableApplicationContext second = start()) {
            Api operator = new Api(port(second), operatorToken);
            JsonNode run = operator.get("/api/v1/runs/" + runId).json();
            assertThat(run.get("name").asString()).isEqualTo("survivor");
            assertThat(run.get("state").asString()).isEqualTo("QUEUED");
            JsonNode points =
                    operator.get("/api/v1/runs/" + runId + "/metrics").json().get("points");
            assertThat(points).hasSize(50);
            assertThat(points.get(49).get("value").asDouble()).isEqualTo(6.0 - 49 * 0.001);
            assertThat(operator.get("/api/v1/runs/" + runId + "/analyses/latest")
                            .json()
                            .at("/modules/0/alpha")
                            .asDouble())
                    .isEqualTo(2.5);
            assertThat(new Api(port(second), serviceToken)
                            .get("/api/v1/runs/" + runId)
                            .status())
                    .isEqualTo(200);
        }

        assertThat(output.getAll())
                .contains("Using the embedded PostgreSQL")
                .contains("generated one in")
                .doesNotContain(operatorToken)
                .doesNotContain(serviceToken);
    }

    private ConfigurableApplicationContext start() {
        // Command-line arguments outrank the environment, so a developer's own variables cannot leak in.
        return new SpringApplicationBuilder(ControlApiApplication.class)
                .run(
                        "--server.port=0",
                        "--alphadecay.home=" + home,
                        "--alphadecay.db.url=",
                        "--alphadecay.auth.operator-token=",
                        "--alphadecay.auth.service-token=");
    }

    private static int port(ConfigurableApplicationContext context) {
        return ((WebServerApplicationContext) context).getWebServer().getPort();
    }
}
