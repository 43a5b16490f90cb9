package io.alphadecay.deploy.dashboards;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import io.alphadecay.deploy.RepositoryFiles;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The provisioned Grafana dashboards, read from the one folder both docker-compose and the Helm chart use. */
final class Dashboards {

    static final String FOLDER = "helm/alphadecay/dashboards";
    static final String PROMETHEUS_UID = "alphadecay-prometheus";
    static final String POSTGRES_UID = "alphadecay-postgres";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** One query of a panel (or of a template variable), with where it comes from for failure messages. */
    record Query(String dashboard, String panel, String refId, String datasourceUid, String text) {

        @Override
        public String toString() {
            return dashboard + " / " + panel + " [" + refId + "]";
        }
    }

    /** A template variable: how Grafana formats its value into a query depends on whether it is multi-valued. */
    record Variable(String dashboard, String name, boolean multi, String datasourceUid, String query) {}

    record Dashboard(String file, JsonNode json) {

        String title() {
            return json.path("title").asString();
        }

        List<JsonNode> panels() {
            List<JsonNode> panels = new ArrayList<>();
            for (JsonNode panel : json.path("panels")) {
                panels.add(panel);
                panel.path("panels").forEach(panels::add); // collapsed rows keep their panels inside
            }
            return panels;
        }

        List<Query> queries() {
            List<Query> queries = new ArrayList<>();
            for (JsonNode panel : panels()) {
                for (JsonNode target : panel.path("targets")) {
                    JsonNode datasource =
                            target.has("datasource") ? target.get("datasource") : panel.path("datasource");
                    String uid = datasource.path("uid").asString();
                    String text = PROMETHEUS_UID.equals(uid)
                            ? target.path("expr").asString()
                            : target.path("rawSql").asString();
                    queries.add(new Query(
                            title(),
                            panel.path("title").asString(),
                            target.path("refId").asString(),
                            uid,
                            text));
                }
            }
            return queries;
        }

        List<Variable> variables() {
            List<Variable> variables = new ArrayList<>();
            for (JsonNode variable : json.path("templating").path("list")) {
                variables.add(new Variable(
                        title(),
                        variable.path("name").asString(),
                        variable.path("multi").asBoolean()
                                || variable.path("includeAll").asBoolean(),
                        variable.path("datasource").path("uid").asString(),
                        variable.path("query").asString()));
            }
            return variables;
        }
    }

    private Dashboards() {}

    static List<Dashboard> all() {
        Path folder = RepositoryFiles.resolve(FOLDER);
        try (Stream<Path> files = Files.list(folder)) {
            List<Dashboard> dashboards = new ArrayList<>();
            for (Path file :
                    files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                dashboards.add(new Dashboard(file.getFileName().toString(), JSON.readTree(Files.readString(file))));
            }
            return dashboards;
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    static List<Query> queries(String datasourceUid) {
        return all().stream()
                .flatMap(d -> d.queries().stream())
                .filter(q -> q.datasourceUid().equals(datasourceUid))
                .toList();
    }

    static List<Variable> variables() {
        return all().stream().flatMap(d -> d.variables().stream()).toList();
    }
}
