package io.alphadecay.control.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

import io.alphadecay.control.support.ApiTestBase;
import io.alphadecay.control.support.Fixtures;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QuickstartReportTest extends ApiTestBase {

    @TempDir
    Path home;

    @Test
    void savesTheComparisonReportUnderTheHome() throws Exception {
        String first = operator.post("/api/v1/runs", Fixtures.tinyRun(uniqueName("qs-a"))).json().get("id").asString();
        String second = operator.post("/api/v1/runs", Fixtures.tinyRun(uniqueName("qs-b"))).json().get("id").asString();
        Quickstart client = new Quickstart(URI.create("http://127.0.0.1:" + port), OPERATOR_TOKEN, home);

        Path file = client.saveReport("/api/v1/reports/compare?runs=" + first + "," + second, "quickstart-test.html");

        assertThat(file).isEqualTo(home.resolve("reports").resolve("quickstart-test.html").toAbsolutePath());
        Document page = Jsoup.parse(Files.readString(file));
        assertThat(page.select("#runs-table tbody tr")).extracting(tr -> tr.attr("data-run"))
                .containsExactly(first, second);
        assertThatThrownBy(() -> client.saveReport("/api/v1/reports/compare?runs=" + first, "bad.html"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("400");
        assertThat(home.resolve("reports").resolve("bad.html")).doesNotExist();
    }

    @Test
    void theHomeIsTheVariableOrTheTokenFilesGrandparent() {
        assertThat(Quickstart.home("/srv/ad-home", Path.of("/elsewhere/secrets/operator-token")))
                .isEqualTo(Path.of("/srv/ad-home"));
        assertThat(Quickstart.home(null, Path.of("/srv/ad/secrets/operator-token"))).isEqualTo(Path.of("/srv/ad"));
        assertThat(Quickstart.home("  ", Path.of("/srv/ad/secrets/operator-token"))).isEqualTo(Path.of("/srv/ad"));
    }
}
