package io.alphadecay.deploy.dashboards;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The dashboards' shape: the three promised ones, each panel on a provisioned datasource and on the grid. */
class DashboardFilesTest {

    @Test
    void theThreeDashboardsAreThereWithStableUids() {
        Map<String, String> uidByFile = Dashboards.all().stream()
                .collect(Collectors.toMap(
                        Dashboards.Dashboard::file, d -> d.json().path("uid").asString()));
        assertThat(uidByFile)
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "training.json",
                        "alphadecay-training",
                        "spectral-health.json",
                        "alphadecay-spectral-health",
                        "services.json",
                        "alphadecay-services"));
    }

    @Test
    void everyPanelQueriesAProvisionedDatasourceAndFitsTheGrid() {
        for (Dashboards.Dashboard dashboard : Dashboards.all()) {
            Set<Integer> ids = new HashSet<>();
            for (JsonNode panel : dashboard.panels()) {
                String where = dashboard.file() + " / " + panel.path("title").asString();
                assertThat(ids.add(panel.path("id").asInt()))
                        .as(where + ": unique id")
                        .isTrue();
                JsonNode grid = panel.path("gridPos");
                assertThat(grid.path("x").asInt() + grid.path("w").asInt())
                        .as(where + ": within 24 columns")
                        .isBetween(1, 24);
                assertThat(panel.path("targets")).as(where + ": has queries").isNotEmpty();
            }
            for (Dashboards.Query query : dashboard.queries()) {
                assertThat(query.datasourceUid())
                        .as(query.toString())
                        .isIn(Dashboards.PROMETHEUS_UID, Dashboards.POSTGRES_UID);
                assertThat(query.text()).as(query.toString()).isNotBlank();
            }
        }
    }

    @Test
    void theSpectralDashboardHasTheHeatmapTheTypeCurvesAndTheDecays() {
        Dashboards.Dashboard spectral = Dashboards.all().stream()
                .filter(d -> d.file().equals("spectral-health.json"))
                .findFirst()
                .orElseThrow();
        List<String> kinds = spectral.panels().stream()
                .map(p -> p.path("type").asString() + ":" + p.path("title").asString())
                .toList();
        assertThat(kinds)
                .contains(
                        "heatmap:α by module and analysis step",
                        "timeseries:Mean α by module type",
                        "barchart:Weight decay per module (effective, latest analysis)",
                        "bargauge:Latest α per module (running run)");
    }
}
