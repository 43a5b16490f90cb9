package io.alphadecay.deploy.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipFile;

import io.alphadecay.deploy.RepositoryFiles;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The compose stack: docker-compose.yml, its Dockerfile, .env.example and the Prometheus, Grafana and PostgreSQL
 * files it mounts. The structure is checked on the parsed files; docker-compose, dclint (from npm) and promtool
 * check them as the real tools.
 */
class ComposeFileTest {

    static final Path ROOT = RepositoryFiles.root();
    static final Path COMPOSE = ROOT.resolve("docker-compose.yml");
    static final Path ENV_EXAMPLE = ROOT.resolve(".env.example");
    static final Path PROMETHEUS = ROOT.resolve("deploy/prometheus/prometheus.yml");
    static final Path PROMETHEUS_START = ROOT.resolve("deploy/prometheus/start.sh");
    static final Path DATASOURCES = ROOT.resolve("deploy/grafana/provisioning/datasources/alphadecay.yml");
    static final Path DASHBOARD_PROVIDERS = ROOT.resolve("deploy/grafana/provisioning/dashboards/alphadecay.yml");
    static final Path GRAFANA_READER = ROOT.resolve("deploy/postgres/10-grafana-reader.sh");
    static final Path HEALTHCHECK = ROOT.resolve("deploy/docker/healthcheck");
    static final String DASHBOARDS_SOURCE = "./helm/alphadecay/dashboards";

    /** The services that `docker compose up` starts without a profile. */
    static final Set<String> DEFAULT_SERVICES =
            Set.of("postgres", "control-api", "esd-service", "trainer-service", "prometheus", "grafana");

    static final String GPU_TRAINER = "trainer-service-gpu";
    /** The services built from the Dockerfile, with the port each listens on. */
    static final Map<String, Integer> OUR_SERVICES =
            Map.of("control-api", 8080, "esd-service", 8081, "trainer-service", 8082, GPU_TRAINER, 8082);

    static final Pattern SECRET_KEY = Pattern.compile(".*(TOKEN|PASSWORD|SECRET).*");
    static final Pattern REFERENCE_ONLY = Pattern.compile("\\$\\{[A-Z][A-Z0-9_]*(:?[?-][^}]*)?}");
    static final Pattern REFERENCE = Pattern.compile("(?<!\\$)\\$\\{([A-Z][A-Z0-9_]*)");

    // ---- reading the files --------------------------------------------------------------------------------------

    static Map<String, Object> yaml(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return yaml(in);
        }
    }

    static Map<String, Object> yaml(InputStream in) {
        // SafeConstructor: plain maps and lists only, with YAML merge keys (<<) applied as compose applies them
        Object loaded = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
        assertThat(loaded).isInstanceOf(Map.class);
        return map(loaded);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object value) {
        assertThat(value).as("a YAML mapping").isInstanceOf(Map.class);
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object value) {
        assertThat(value).as("a YAML sequence").isInstanceOf(List.class);
        return (List<Object>) value;
    }

    static List<String> strings(Object value) {
        return list(value).stream().map(String::valueOf).toList();
    }

    static Map<String, Object> services(Map<String, Object> compose) {
        return map(compose.get("services"));
    }

    static Map<String, Object> service(Map<String, Object> compose, String name) {
        Object service = services(compose).get(name);
        assertThat(service).as("service " + name).isNotNull();
        return map(service);
    }

    /** A service's environment, written as a mapping or as a list of KEY=VALUE. */
    static Map<String, String> environment(Map<String, Object> service) {
        Map<String, String> env = new LinkedHashMap<>();
        Object raw = service.get("environment");
        if (raw instanceof Map<?, ?> m) {
            m.forEach((k, v) -> env.put(String.valueOf(k), v == null ? null : String.valueOf(v)));
        } else if (raw instanceof List<?> l) {
            for (Object entry : l) {
                String[] kv = String.valueOf(entry).split("=", 2);
                env.put(kv[0], kv.length > 1 ? kv[1] : null);
            }
        }
        return env;
    }

    /** Volume entries of a service as [source, target, mode?]. */
    static List<String[]> volumes(Map<String, Object> service) {
        Object raw = service.get("volumes");
        if (raw == null) {
            return List.of();
        }
        return strings(raw).stream().map(v -> v.split(":")).toList();
    }

    static Optional<String> mountTarget(Map<String, Object> service, String source) {
        return volumes(service).stream()
                .filter(v -> v[0].equals(source))
                .map(v -> v[1])
                .findFirst();
    }

    /** KEY=VALUE lines of an env file, in order. */
    static Map<String, String> envFile(Path file) throws IOException {
        Map<String, String> env = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            int eq = trimmed.indexOf('=');
            assertThat(eq).as("an env line: " + line).isPositive();
            env.put(trimmed.substring(0, eq), trimmed.substring(eq + 1));
        }
        return env;
    }

    /** The path start.sh writes the service token to: what prometheus.yml's credentials_file must name. */
    static String prometheusTokenFile() throws IOException {
        Matcher m = Pattern.compile("(?m)^token_file=(\\S+)$").matcher(Files.readString(PROMETHEUS_START));
        assertThat(m.find()).as("start.sh sets token_file").isTrue();
        return m.group(1);
    }

    static String host(String hostPort) {
        return hostPort.substring(0, hostPort.lastIndexOf(':'));
    }

    // ---- docker-compose.yml and what it mounts --------------------------------------------------------------------

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class Structure {

        Map<String, Object> compose;

        @BeforeAll
        void load() throws IOException {
            compose = yaml(COMPOSE);
        }

        @Test
        void theStackHasItsSevenServices() {
            Set<String> expected = new HashSet<>(DEFAULT_SERVICES);
            expected.add(GPU_TRAINER);
            assertThat(services(compose).keySet()).containsExactlyInAnyOrderElementsOf(expected);
        }

        @Test
        void postgresKeepsItsDataInANamedVolume() {
            Map<String, Object> declared = map(compose.get("volumes"));
            Optional<String> source = volumes(service(compose, "postgres")).stream()
                    .filter(v -> v[1].equals("/var/lib/postgresql/data"))
                    .map(v -> v[0])
                    .findFirst();
            assertThat(source).as("a volume on postgres's data directory").isPresent();
            assertThat(source.get())
                    .as("a named volume, not a host folder")
                    .doesNotContain("/")
                    .doesNotStartWith(".");
            assertThat(declared).containsKey(source.get());
        }

        @Test
        void everyServiceHasAHealthcheck() {
            services(compose).forEach((name, raw) -> {
                Map<String, Object> healthcheck = map(map(raw).get("healthcheck"));
                assertThat(healthcheck.get("disable")).as(name).isNotEqualTo(true);
                List<String> test = strings(healthcheck.get("test"));
                assertThat(test).as(name + " healthcheck").hasSizeGreaterThan(1);
                assertThat(test.get(0)).as(name).isIn("CMD", "CMD-SHELL");
                assertThat(healthcheck).as(name).containsKeys("interval", "timeout", "retries");
            });
            // Ours need neither curl nor wget: the image's own script asks the readiness probe
            OUR_SERVICES
                    .keySet()
                    .forEach(name -> assertThat(
                                    strings(map(service(compose, name).get("healthcheck"))
                                            .get("test")))
                            .as(name)
                            .containsExactly("CMD", "alphadecay-healthcheck"));
        }

        @Test
        void servicesStartOnlyOnceTheirDependenciesAreHealthy() {
            Map<String, Set<String>> expected = Map.of(
                    "control-api",
                    Set.of("postgres"),
                    "esd-service",
                    Set.of("control-api"),
                    "trainer-service",
                    Set.of("control-api", "esd-service"),
                    GPU_TRAINER,
                    Set.of("control-api", "esd-service"),
                    "grafana",
                    Set.of("postgres", "prometheus"));
            expected.forEach((name, dependencies) -> {
                Map<String, Object> dependsOn = map(service(compose, name).get("depends_on"));
                assertThat(dependsOn.keySet()).as(name).containsAll(dependencies);
            });
            services(compose).forEach((name, raw) -> {
                Object dependsOn = map(raw).get("depends_on");
                if (dependsOn == null) {
                    return;
                }
                map(dependsOn).forEach((dependency, condition) -> {
                    assertThat(map(condition).get("condition"))
                            .as(name + " -> " + dependency)
                            .isEqualTo("service_healthy");
                    assertThat(service(compose, dependency).get("profiles"))
                            .as("%s depends on %s, which must run without a profile", name, dependency)
                            .isNull();
                });
            });
        }

        @Test
        void secretsAreOnlyReferencesToTheEnvFile() throws IOException {
            String text = Files.readString(COMPOSE, StandardCharsets.UTF_8);
            Map<String, String> example = envFile(ENV_EXAMPLE);
            example.forEach((key, value) -> {
                if (SECRET_KEY.matcher(key).matches()) {
                    assertThat(text)
                            .as("the value of " + key + " from .env.example")
                            .doesNotContain(value);
                }
            });
            List<Map<String, Object>> environments = new ArrayList<>();
            services(compose).values().forEach(s -> environments.add(map(s)));
            compose.keySet().stream()
                    .filter(k -> k.startsWith("x-"))
                    .forEach(k -> environments.add(Map.of("environment", compose.get(k))));
            int secrets = 0;
            for (Map<String, Object> holder : environments) {
                for (Map.Entry<String, String> entry : environment(holder).entrySet()) {
                    if (SECRET_KEY.matcher(entry.getKey()).matches()) {
                        secrets++;
                        assertThat(entry.getValue()).as(entry.getKey()).matches(REFERENCE_ONLY);
                    }
                }
            }
            assertThat(secrets).as("secret variables found").isGreaterThanOrEqualTo(8);
        }

        @Test
        void envExampleDefinesExactlyTheVariablesTheStackReads() throws IOException {
            Set<String> referenced = new TreeSet<>();
            Matcher m = REFERENCE.matcher(Files.readString(COMPOSE, StandardCharsets.UTF_8));
            while (m.find()) {
                referenced.add(m.group(1));
            }
            Set<String> defined = new TreeSet<>(envFile(ENV_EXAMPLE).keySet());
            defined.remove("COMPOSE_PROJECT_NAME"); // read by compose itself
            assertThat(referenced).isEqualTo(defined);
        }

        @Test
        void envExampleTokensWouldBeAcceptedByTheServices() throws IOException {
            Map<String, String> example = envFile(ENV_EXAMPLE);
            String operator = example.get("ALPHADECAY_OPERATOR_TOKEN");
            String service = example.get("ALPHADECAY_SERVICE_TOKEN");
            // The services refuse tokens under 16 characters and equal tokens (common's Tokens)
            assertThat(operator).hasSizeGreaterThanOrEqualTo(16);
            assertThat(service).hasSizeGreaterThanOrEqualTo(16).isNotEqualTo(operator);
            example.forEach((key, value) ->
                    assertThat(value).as(key).doesNotContain("$").doesNotContain(" "));
        }

        @Test
        void theRealEnvFileIsIgnoredByGitAndDocker() throws IOException {
            assertThat(Files.readAllLines(ROOT.resolve(".gitignore")))
                    .map(String::strip)
                    .contains(".env")
                    .doesNotContain(".env*", ".env.*");
            assertThat(Files.readAllLines(ROOT.resolve(".dockerignore")))
                    .map(String::strip)
                    .contains(".env");
        }

        @Test
        void everyAlphadecayServiceGetsBothTokensAndItsPeers() {
            OUR_SERVICES.keySet().forEach(name -> {
                Map<String, String> env = environment(service(compose, name));
                assertThat(env.get("ALPHADECAY_OPERATOR_TOKEN")).as(name).startsWith("${ALPHADECAY_OPERATOR_TOKEN");
                assertThat(env.get("ALPHADECAY_SERVICE_TOKEN")).as(name).startsWith("${ALPHADECAY_SERVICE_TOKEN");
                if (!name.equals("control-api")) {
                    assertThat(env).as(name).containsEntry("ALPHADECAY_CONTROL_API_URL", "http://control-api:8080");
                }
            });
            assertThat(environment(service(compose, "trainer-service")))
                    .containsEntry("ALPHADECAY_ESD_URL", "http://esd-service:8081");
            Map<String, String> api = environment(service(compose, "control-api"));
            Map<String, String> postgres = environment(service(compose, "postgres"));
            assertThat(api.get("ALPHADECAY_DB_URL"))
                    .isEqualTo("jdbc:postgresql://postgres:5432/" + postgres.get("POSTGRES_DB"));
            assertThat(api.get("ALPHADECAY_DB_USER")).isEqualTo(postgres.get("POSTGRES_USER"));
            assertThat(api.get("ALPHADECAY_DB_PASSWORD")).isEqualTo(postgres.get("POSTGRES_PASSWORD"));
        }

        @Test
        void publishedPortsListenOnLoopbackOnly() {
            services(compose).forEach((name, raw) -> {
                Object ports = map(raw).get("ports");
                if (ports != null) {
                    strings(ports).forEach(p -> assertThat(p).as(name).startsWith("127.0.0.1:"));
                }
            });
            OUR_SERVICES.forEach(
                    (name, port) -> assertThat(strings(service(compose, name).get("ports")))
                            .as(name)
                            .anyMatch(p -> p.endsWith(":" + port)));
        }

        @Test
        void theGpuTrainerRunsOnlyInTheGpuProfileWithNvidiaDevices() {
            Map<String, Object> gpu = service(compose, GPU_TRAINER);
            assertThat(strings(gpu.get("profiles"))).containsExactly("gpu");
            List<Object> devices =
                    list(map(map(map(gpu.get("deploy")).get("resources")).get("reservations"))
                            .get("devices"));
            assertThat(devices).hasSize(1);
            Map<String, Object> device = map(devices.get(0));
            assertThat(device.get("driver")).isEqualTo("nvidia");
            assertThat(strings(device.get("capabilities"))).contains("gpu");
            assertThat(map(gpu.get("build")).get("target")).isEqualTo(GPU_TRAINER);
            assertThat(environment(gpu)).containsEntry("ALPHADECAY_DEVICE", "gpu");
            assertThat(environment(service(compose, "trainer-service"))).containsEntry("ALPHADECAY_DEVICE", "cpu");

            services(compose).forEach((name, raw) -> {
                if (!name.equals(GPU_TRAINER)) {
                    assertThat(map(raw).get("profiles"))
                            .as(name + " runs by default")
                            .isNull();
                    assertThat(map(raw).get("deploy"))
                            .as(name + " reserves no device")
                            .isNull();
                }
            });
        }

        @Test
        void bothTrainersShareTheirHomeAndTheNameThatPrometheusResolves() {
            Map<String, Object> cpu = service(compose, "trainer-service");
            Map<String, Object> gpu = service(compose, GPU_TRAINER);
            assertThat(volumes(gpu).stream().map(v -> String.join(":", v)).toList())
                    .isEqualTo(
                            volumes(cpu).stream().map(v -> String.join(":", v)).toList());
            assertThat(trainerAliases(gpu)).isEqualTo(trainerAliases(cpu)).isNotEmpty();
        }

        private List<String> trainerAliases(Map<String, Object> trainer) {
            return strings(map(map(trainer.get("networks")).get("default")).get("aliases"));
        }

        @Test
        void prometheusScrapesTheThreeServicesWithTheServiceToken() throws IOException {
            Map<String, Object> config = yaml(PROMETHEUS);
            Map<String, Map<String, Object>> jobs = new LinkedHashMap<>();
            list(config.get("scrape_configs")).forEach(j -> jobs.put(String.valueOf(map(j).get("job_name")), map(j)));
            assertThat(jobs).containsKeys("control-api", "esd-service", "trainer-service");
            String tokenFile = prometheusTokenFile();

            for (String name : List.of("control-api", "esd-service", "trainer-service")) {
                Map<String, Object> job = jobs.get(name);
                assertThat(job.get("metrics_path")).as(name).isEqualTo("/actuator/prometheus");
                Map<String, Object> authorization = map(job.get("authorization"));
                assertThat(authorization.getOrDefault("type", "Bearer"))
                        .as(name)
                        .isEqualTo("Bearer");
                assertThat(authorization.get("credentials_file")).as(name).isEqualTo(tokenFile);
                assertThat(authorization)
                        .as(name + ": no token written in the file")
                        .doesNotContainKey("credentials");
            }
            for (String name : List.of("control-api", "esd-service")) {
                List<String> targets = strings(
                        map(list(jobs.get(name).get("static_configs")).get(0)).get("targets"));
                assertThat(targets).as(name).containsExactly(name + ":" + OUR_SERVICES.get(name));
                assertThat(services(compose)).containsKey(host(targets.get(0)));
            }
            Map<String, Object> dns =
                    map(list(jobs.get("trainer-service").get("dns_sd_configs")).get(0));
            assertThat(strings(dns.get("names"))).isEqualTo(trainerAliases(service(compose, "trainer-service")));
            assertThat(dns.get("port")).isEqualTo(OUR_SERVICES.get("trainer-service"));
        }

        @Test
        void prometheusWritesItsTokenFileOnATmpfsAndReadsTheMountedConfig() throws IOException {
            Map<String, Object> prometheus = service(compose, "prometheus");
            String tokenFile = prometheusTokenFile();
            String tokenDir = tokenFile.substring(0, tokenFile.lastIndexOf('/'));
            assertThat(strings(prometheus.get("tmpfs"))).contains(tokenDir);
            assertThat(strings(prometheus.get("entrypoint")))
                    .containsExactly(
                            "/bin/sh",
                            mountTarget(prometheus, "./deploy/prometheus/start.sh")
                                    .orElseThrow());
            String start = Files.readString(PROMETHEUS_START);
            assertThat(start)
                    .contains("--config.file="
                            + mountTarget(prometheus, "./deploy/prometheus/prometheus.yml")
                                    .orElseThrow());
            assertThat(start).contains("unset ALPHADECAY_SERVICE_TOKEN").contains("exec /bin/prometheus");
            assertThat(environment(prometheus).get("ALPHADECAY_SERVICE_TOKEN")).matches(REFERENCE_ONLY);
        }

        @Test
        void grafanaProvisionsTheTwoDatasourcesTheDashboardsReferTo() throws IOException {
            Map<String, Map<String, Object>> byUid = new LinkedHashMap<>();
            for (Object datasource : list(yaml(DATASOURCES).get("datasources"))) {
                byUid.put(String.valueOf(map(datasource).get("uid")), map(datasource));
            }
            assertThat(byUid.keySet()).containsExactlyInAnyOrder("alphadecay-prometheus", "alphadecay-postgres");

            Map<String, Object> prometheus = byUid.get("alphadecay-prometheus");
            assertThat(prometheus.get("type")).isEqualTo("prometheus");
            assertThat(prometheus.get("url")).isEqualTo("http://prometheus:9090");

            Map<String, Object> postgres = byUid.get("alphadecay-postgres");
            assertThat(postgres.get("type")).isIn("grafana-postgresql-datasource", "postgres");
            assertThat(postgres.get("url")).isEqualTo("postgres:5432");
            Map<String, String> db = environment(service(compose, "postgres"));
            assertThat(map(postgres.get("jsonData")).get("database")).isEqualTo(db.get("POSTGRES_DB"));
            assertThat(postgres.get("user"))
                    .as("the read-only role, not the owner")
                    .isEqualTo("grafana")
                    .isNotEqualTo(db.get("POSTGRES_USER"));
            String password = String.valueOf(map(postgres.get("secureJsonData")).get("password"));
            assertThat(password).isIn("$GRAFANA_DB_PASSWORD", "${GRAFANA_DB_PASSWORD}");
            assertThat(environment(service(compose, "grafana")).get("GRAFANA_DB_PASSWORD"))
                    .isEqualTo(db.get("GRAFANA_DB_PASSWORD"))
                    .matches(REFERENCE_ONLY);
        }

        @Test
        void grafanaLoadsTheDashboardsFromTheMountedHelmFolder() throws IOException {
            Map<String, Object> grafana = service(compose, "grafana");
            List<Object> providers = list(yaml(DASHBOARD_PROVIDERS).get("providers"));
            assertThat(providers).hasSize(1);
            Map<String, Object> provider = map(providers.get(0));
            assertThat(provider.get("type")).isEqualTo("file");
            String path = String.valueOf(map(provider.get("options")).get("path"));
            assertThat(mountTarget(grafana, DASHBOARDS_SOURCE)).contains(path);
            assertThat(mountTarget(grafana, "./deploy/grafana/provisioning/datasources"))
                    .contains("/etc/grafana/provisioning/datasources");
            assertThat(mountTarget(grafana, "./deploy/grafana/provisioning/dashboards"))
                    .contains("/etc/grafana/provisioning/dashboards");
            // The dashboards themselves belong to the Helm chart; where the folder exists it must be one
            Path dashboards = ROOT.resolve(DASHBOARDS_SOURCE);
            if (Files.exists(dashboards)) {
                assertThat(dashboards).isDirectory();
            }
        }

        @Test
        void everyMountedFileOfTheRepositoryExists() {
            services(compose)
                    .forEach((name, raw) -> volumes(map(raw)).forEach(v -> {
                        if (v[0].startsWith("./") && !v[0].equals(DASHBOARDS_SOURCE)) {
                            assertThat(ROOT.resolve(v[0]))
                                    .as(name + " mounts " + v[0])
                                    .exists();
                        }
                        if (v.length > 2) {
                            assertThat(v[2]).as(name + " " + v[0]).isIn("ro", "rw");
                        }
                        if (v[0].startsWith("./deploy/") || v[0].equals(DASHBOARDS_SOURCE)) {
                            assertThat(v)
                                    .as(name + ": configuration is mounted read-only: " + v[0])
                                    .hasSize(3);
                            assertThat(v[2]).isEqualTo("ro");
                        }
                    }));
        }

        @Test
        void postgresCreatesTheReadOnlyGrafanaRoleOnItsFirstStart() throws IOException {
            Map<String, Object> postgres = service(compose, "postgres");
            assertThat(mountTarget(postgres, "./deploy/postgres/10-grafana-reader.sh"))
                    .contains("/docker-entrypoint-initdb.d/10-grafana-reader.sh");
            String script = Files.readString(GRAFANA_READER);
            assertThat(script)
                    .contains("CREATE ROLE grafana LOGIN")
                    .contains("ALTER DEFAULT PRIVILEGES FOR ROLE :\"owner\" IN SCHEMA public"
                            + " GRANT SELECT ON TABLES TO grafana")
                    .contains("--set=owner=\"$POSTGRES_USER\"");
            // Nothing but reading is ever granted to it
            Matcher grants =
                    Pattern.compile("GRANT\\s+(\\w+)[^;]*TO\\s+[^;]*grafana").matcher(script);
            int count = 0;
            while (grants.find()) {
                count++;
                assertThat(grants.group(1)).isIn("SELECT", "USAGE", "CONNECT");
            }
            assertThat(count).isGreaterThanOrEqualTo(3);
        }
    }

    // ---- the Dockerfile and its build context --------------------------------------------------------------------

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class Images {

        Map<String, Object> compose;
        Dockerfile dockerfile;

        @BeforeAll
        void load() throws IOException {
            compose = yaml(COMPOSE);
            dockerfile = Dockerfile.parse(ROOT.resolve("Dockerfile"));
        }

        @Test
        void everyBuiltServiceNamesAStageOfTheRootDockerfile() {
            services(compose).forEach((name, raw) -> {
                Map<String, Object> service = map(raw);
                if (service.containsKey("build")) {
                    Map<String, Object> build = map(service.get("build"));
                    assertThat(build.get("context")).as(name).isEqualTo(".");
                    assertThat(build.getOrDefault("dockerfile", "Dockerfile"))
                            .as(name)
                            .isEqualTo("Dockerfile");
                    assertThat(dockerfile.stage(String.valueOf(build.get("target"))))
                            .as(name)
                            .isPresent();
                } else {
                    assertThat(String.valueOf(service.get("image")))
                            .as(name + " pins its image")
                            .matches("[a-z0-9./-]+:[0-9][A-Za-z0-9._-]*|[a-z0-9./-]+:v[0-9][A-Za-z0-9._-]*");
                }
            });
            assertThat(OUR_SERVICES.keySet())
                    .allSatisfy(name -> assertThat(service(compose, name)).containsKey("build"));
        }

        @Test
        void theServicesRunAsANonRootUser() {
            OUR_SERVICES.keySet().forEach(target -> {
                List<String> users = dockerfile.stage(target).orElseThrow().arguments("USER");
                assertThat(users).as(target + " sets its user").isNotEmpty();
                String user = users.get(users.size() - 1).split(":")[0];
                assertThat(user).as(target).isNotIn("0", "root");
                assertThat(service(compose, target).get("user"))
                        .as(target + " keeps the image's user")
                        .isNull();
            });
        }

        @Test
        void everyServiceImageHoldsTheHealthcheckAndItsJar() {
            OUR_SERVICES.forEach((target, port) -> {
                List<Dockerfile.Stage> lineage = dockerfile.lineage(target);
                assertThat(lineage.stream().flatMap(s -> s.arguments("COPY").stream()))
                        .as(target)
                        .anyMatch(c -> c.contains("deploy/docker/healthcheck /usr/local/bin/alphadecay-healthcheck"));
                String service = target.replace("-gpu", "");
                assertThat(dockerfile.stage(target).orElseThrow().arguments("COPY"))
                        .as(target)
                        .anyMatch(c -> c.startsWith("--from=build /out/" + service + ".jar "));
                assertThat(lineage.stream().flatMap(s -> s.env().entrySet().stream()))
                        .as(target + " listens where compose and Prometheus expect it")
                        .anyMatch(e ->
                                e.getKey().equals("SERVER_PORT") && e.getValue().equals(String.valueOf(port)));
            });
            assertThat(dockerfile.stage("build").orElseThrow().arguments("RUN"))
                    .anyMatch(r -> r.contains("./mvnw") && r.contains("package"));
        }

        @Test
        void trainerImagesCarryNpmForTheDefaultCorpus() {
            for (String target : List.of("trainer-service", GPU_TRAINER)) {
                Dockerfile.Stage stage = dockerfile.stage(target).orElseThrow();
                assertThat(stage.arguments("COPY"))
                        .as(target)
                        .anyMatch(c -> c.startsWith("--from=node /usr/local/lib/node_modules/npm"));
                assertThat(stage.arguments("RUN")).as(target).anyMatch(r -> r.contains("npm --version"));
            }
        }

        @Test
        void theGpuImageLoadsACudaLibtorchOfTheTrainersPytorchVersion() throws IOException {
            String pom = Files.readString(ROOT.resolve("trainer-service/pom.xml"));
            Matcher version = Pattern.compile("<pytorch.version>([^<]+)</pytorch.version>")
                    .matcher(pom);
            assertThat(version.find()).isTrue();
            Matcher djl = Pattern.compile("<djl.version>([^<]+)</djl.version>").matcher(pom);
            assertThat(djl.find()).isTrue();

            Map<String, String> env =
                    dockerfile.stage(GPU_TRAINER).orElseThrow().env();
            assertThat(env).containsEntry("PYTORCH_VERSION", version.group(1));
            String flavor = env.get("PYTORCH_FLAVOR");
            assertThat(flavor).matches("cu\\d+");
            assertThat(dockerfile.lineage(GPU_TRAINER).stream().flatMap(s -> s.arguments("COPY").stream()))
                    .anyMatch(c -> c.endsWith(" " + env.get("PYTORCH_LIBRARY_PATH")));
            String url = dockerfile.stage("libtorch-cuda").orElseThrow().arguments("ARG").stream()
                    .filter(a -> a.startsWith("LIBTORCH_URL="))
                    .findFirst()
                    .orElseThrow();
            assertThat(url).contains("/" + flavor + "/").contains("-" + version.group(1) + "%2B" + flavor + ".zip");

            // The JNI glue of that flavour ships in pytorch-jni; checked where the local repository has the jar
            Path jni = Path.of(
                    System.getProperty("user.home"),
                    ".m2",
                    "repository",
                    "ai",
                    "djl",
                    "pytorch",
                    "pytorch-jni",
                    version.group(1) + "-" + djl.group(1),
                    "pytorch-jni-" + version.group(1) + "-" + djl.group(1) + ".jar");
            if (Files.isRegularFile(jni)) {
                try (ZipFile zip = new ZipFile(jni.toFile())) {
                    assertThat(zip.getEntry("jnilib/linux-x86_64/" + flavor + "/libdjl_torch.so"))
                            .as(jni.toString())
                            .isNotNull();
                }
            }
        }

        @Test
        void theBuildContextKeepsTheSourcesAndLeavesOutSecretsAndBuildOutput() throws IOException {
            List<String> patterns = Files.readAllLines(ROOT.resolve(".dockerignore")).stream()
                    .map(String::strip)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#"))
                    .toList();
            for (String excluded :
                    List.of(".env", "control-api/target/control-api.jar", "target/x", ".alphadecay/x", ".git")) {
                assertThat(ignored(patterns, excluded))
                        .as(excluded + " is left out")
                        .isTrue();
            }
            List<String> needed = new ArrayList<>(List.of(
                    "mvnw",
                    "pom.xml",
                    ".mvn/wrapper/maven-wrapper.properties",
                    "deploy/docker/healthcheck",
                    "deploy/pom.xml"));
            try (var migrations = Files.list(ROOT.resolve("db/migration"))) {
                migrations.forEach(f -> needed.add("db/migration/" + f.getFileName()));
            }
            Matcher modules =
                    Pattern.compile("<module>([^<]+)</module>").matcher(Files.readString(ROOT.resolve("pom.xml")));
            while (modules.find()) {
                needed.add(modules.group(1) + "/pom.xml");
                needed.add(modules.group(1) + "/src/main/java/Some.java");
                needed.add(modules.group(1) + "/src/main/resources/application.yml");
            }
            for (String path : needed) {
                assertThat(ignored(patterns, path))
                        .as(path + " reaches the build")
                        .isFalse();
            }
        }

        /** Docker's rule, near enough: the last matching pattern wins; a match on a folder covers its content. */
        private boolean ignored(List<String> patterns, String path) {
            boolean ignored = false;
            for (String pattern : patterns) {
                boolean negated = pattern.startsWith("!");
                String glob = (negated ? pattern.substring(1) : pattern).replaceFirst("^/", "");
                PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + glob);
                // Docker's leading **/ also matches no folder at all, Java's glob needs one
                PathMatcher top = glob.startsWith("**/")
                        ? FileSystems.getDefault().getPathMatcher("glob:" + glob.substring(3))
                        : matcher;
                Path candidate = Path.of(path);
                for (int n = 1; n <= candidate.getNameCount(); n++) {
                    if (matcher.matches(candidate.subpath(0, n)) || top.matches(candidate.subpath(0, n))) {
                        ignored = !negated;
                        break;
                    }
                }
            }
            return ignored;
        }
    }

    // ---- the shell scripts ---------------------------------------------------------------------------------------

    @Nested
    class Scripts {

        @Test
        void everyScriptParses() throws Exception {
            Map<Path, String> scripts = Map.of(
                    HEALTHCHECK,
                    "bash",
                    GRAFANA_READER,
                    "bash",
                    PROMETHEUS_START,
                    "sh",
                    ROOT.resolve(".ci/install-test-tools"),
                    "bash");
            for (Map.Entry<Path, String> script : scripts.entrySet()) {
                assumeTrue(Commands.onPath(script.getValue()).isPresent(), script.getValue() + " is not installed");
                Commands.Result result = Commands.run(
                        ROOT,
                        Duration.ofSeconds(30),
                        List.of(script.getValue(), "-n", script.getKey().toString()));
                assertThat(result.exitCode())
                        .as(script.getKey() + "\n" + result.describe())
                        .isZero();
                assertThat(Files.readString(script.getKey())).startsWith("#!/");
            }
        }

        @Test
        void prometheusStartWritesTheTokenForItsUserAloneAndHidesItFromPrometheus(@TempDir Path temp) throws Exception {
            assumeTrue(Commands.onPath("sh").isPresent(), "sh is not installed");
            // The script as the container runs it, with its two absolute paths moved into a temporary folder
            Path tokenFile = temp.resolve("service-token");
            Path fakePrometheus = temp.resolve("prometheus");
            Files.writeString(
                    fakePrometheus,
                    "#!/bin/sh\necho \"args: $*\"\n" + "echo \"token in env: ${ALPHADECAY_SERVICE_TOKEN:-none}\"\n");
            fakePrometheus.toFile().setExecutable(true);
            String original = Files.readString(PROMETHEUS_START);
            String script = original.replace(prometheusTokenFile(), tokenFile.toString())
                    .replace("exec /bin/prometheus", "exec " + fakePrometheus);
            assertThat(script).isNotEqualTo(original).doesNotContain("/run/alphadecay", "/bin/prometheus");
            Path copy = Files.writeString(temp.resolve("start.sh"), script);

            Commands.Result result = Commands.run(
                    temp,
                    Duration.ofSeconds(30),
                    List.of(),
                    List.of(),
                    Map.of("ALPHADECAY_SERVICE_TOKEN", "the-service-token-of-the-test"),
                    List.of("sh", copy.toString(), "--storage.tsdb.retention.time=30d"));
            assertThat(result.exitCode()).as(result.describe()).isZero();
            assertThat(result.stdout())
                    .contains("args: --config.file=/etc/prometheus/prometheus.yml"
                            + " --storage.tsdb.path=/prometheus --storage.tsdb.retention.time=30d")
                    .contains("token in env: none");
            assertThat(Files.readString(tokenFile)).isEqualTo("the-service-token-of-the-test");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile)))
                    .isEqualTo("rw-------");

            Commands.Result missing = Commands.run(
                    temp,
                    Duration.ofSeconds(30),
                    List.of("ALPHADECAY_SERVICE_TOKEN"),
                    List.of(),
                    Map.of(),
                    List.of("sh", copy.toString()));
            assertThat(missing.exitCode())
                    .as("without a token Prometheus does not start")
                    .isNotZero();
            assertThat(missing.stdout()).doesNotContain("args:");
        }

        /** A one-request HTTP server that answers {@code statusLine} and remembers the request line. */
        private static final class OneAnswer implements AutoCloseable {

            final ServerSocket socket;
            final Thread thread;
            volatile String requestLine;

            OneAnswer(String statusLine) throws IOException {
                socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                thread = new Thread(() -> {
                    try (Socket client = socket.accept()) {
                        client.setSoTimeout(10_000);
                        BufferedReader in = new BufferedReader(
                                new InputStreamReader(client.getInputStream(), StandardCharsets.US_ASCII));
                        requestLine = in.readLine();
                        String header;
                        do {
                            header = in.readLine();
                        } while (header != null && !header.isEmpty());
                        OutputStream out = client.getOutputStream();
                        out.write((statusLine + "\r\nContent-Length: 0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                    } catch (IOException ignored) {
                        // the test sees the script's exit code
                    }
                });
                thread.setDaemon(true);
                thread.start();
            }

            int port() {
                return socket.getLocalPort();
            }

            @Override
            public void close() throws Exception {
                socket.close();
                thread.join(10_000);
            }
        }

        private Commands.Result healthcheck(Map<String, String> env, String... args) throws Exception {
            assumeTrue(Commands.onPath("bash").isPresent(), "bash is not installed");
            List<String> command = new ArrayList<>(List.of("bash", HEALTHCHECK.toString()));
            command.addAll(List.of(args));
            return Commands.run(ROOT, Duration.ofSeconds(30), List.of("SERVER_PORT"), List.of(), env, command);
        }

        @ParameterizedTest
        @CsvSource(
                delimiter = '|',
                ignoreLeadingAndTrailingWhitespace = false,
                value = {
                    "HTTP/1.1 200 OK|0",
                    "HTTP/1.1 200 |0", // Tomcat leaves the reason phrase out
                    "HTTP/1.1 200|0",
                    "HTTP/1.1 503 Service Unavailable|1",
                    "HTTP/1.1 2000 Strange|1",
                    "HTTP/1.1 401 |1"
                })
        void theHealthcheckPassesOnlyOnA200FromTheReadinessProbe(String statusLine, int expected) throws Exception {
            try (OneAnswer server = new OneAnswer(statusLine)) {
                Commands.Result result = healthcheck(Map.of(), String.valueOf(server.port()));
                assertThat(result.exitCode()).as(result.describe()).isEqualTo(expected);
                server.thread.join(10_000);
                assertThat(server.requestLine).isEqualTo("GET /actuator/health/readiness HTTP/1.1");
            }
        }

        @Test
        void theHealthcheckFindsThePortInServerPortAndTakesAnotherPath() throws Exception {
            try (OneAnswer server = new OneAnswer("HTTP/1.1 200 ")) {
                Commands.Result result = healthcheck(Map.of("SERVER_PORT", String.valueOf(server.port())));
                assertThat(result.exitCode()).as(result.describe()).isZero();
            }
            try (OneAnswer server = new OneAnswer("HTTP/1.1 200 ")) {
                Commands.Result result = healthcheck(Map.of(), String.valueOf(server.port()), "/actuator/health");
                assertThat(result.exitCode()).as(result.describe()).isZero();
                server.thread.join(10_000);
                assertThat(server.requestLine).isEqualTo("GET /actuator/health HTTP/1.1");
            }
        }

        @Test
        void theHealthcheckFailsWhenNothingListens() throws Exception {
            int port;
            try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = free.getLocalPort();
            }
            Commands.Result result = healthcheck(Map.of(), String.valueOf(port));
            assertThat(result.exitCode()).as(result.describe()).isNotZero();
        }
    }

    // ---- the Grafana role on a real PostgreSQL -------------------------------------------------------------------

    @Nested
    class GrafanaRole {

        static final String OWNER = "alphadecay";
        static final String DATABASE = "alphadecay";

        @Test
        void grafanaReadsEveryTableFlywayCreatesLaterAndChangesNothing(@TempDir Path data) throws Exception {
            Map<String, String> postgresEnv = environment(service(yaml(COMPOSE), "postgres"));
            assertThat(postgresEnv).containsEntry("POSTGRES_USER", OWNER).containsEntry("POSTGRES_DB", DATABASE);
            String password = "grafana-password-of-the-test";
            String sql = initScriptSql(password);
            String migration = Files.readString(ROOT.resolve("db/migration/V1__control_plane.sql"));
            List<String> tables = new ArrayList<>();
            Matcher created = Pattern.compile("(?i)CREATE TABLE (\\w+)").matcher(migration);
            while (created.find()) {
                tables.add(created.group(1));
            }
            assertThat(tables).contains("runs", "metric_points");

            try (EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                    .setDataDirectory(data)
                    .setCleanDataDirectory(true)
                    .start()) {
                String url = "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/";
                try (Connection admin = DriverManager.getConnection(url + "postgres", "postgres", "postgres");
                        Statement statement = admin.createStatement()) {
                    // What the postgres image makes of POSTGRES_USER and POSTGRES_DB
                    statement.execute("CREATE ROLE " + OWNER + " SUPERUSER LOGIN PASSWORD 'owner-password'");
                    statement.execute("CREATE DATABASE " + DATABASE + " OWNER " + OWNER);
                }
                try (Connection owner = DriverManager.getConnection(url + DATABASE, OWNER, "owner-password");
                        Statement statement = owner.createStatement()) {
                    statement.execute(sql); // the init script: no table exists yet
                    statement.execute(migration); // later, the control-api's Flyway, as the owner
                }
                try (Connection grafana = DriverManager.getConnection(url + DATABASE, "grafana", password);
                        Statement statement = grafana.createStatement()) {
                    for (String table : tables) {
                        try (ResultSet rows = statement.executeQuery("SELECT count(*) FROM " + table)) {
                            assertThat(rows.next()).as(table).isTrue();
                        }
                    }
                    assertThatThrownBy(() -> statement.execute("DELETE FROM runs"))
                            .isInstanceOf(SQLException.class);
                    // Not only the session default: the role has no right to write even when it asks for it
                    statement.execute("SET default_transaction_read_only = off");
                    for (String write : List.of(
                            "DELETE FROM runs",
                            "UPDATE runs SET name = 'x'",
                            "CREATE TABLE grafana_owned (id int)",
                            "TRUNCATE metric_points")) {
                        assertThatThrownBy(() -> statement.execute(write))
                                .as(write)
                                .isInstanceOfSatisfying(
                                        SQLException.class,
                                        e -> assertThat(e.getSQLState())
                                                .as(write)
                                                .isEqualTo("42501"));
                    }
                }
            }
        }

        /** The script's SQL with its psql variables filled in as psql would. */
        private String initScriptSql(String password) throws IOException {
            String script = Files.readString(GRAFANA_READER);
            Matcher heredoc =
                    Pattern.compile("<<'SQL'\\n(.*?)\\nSQL\\n", Pattern.DOTALL).matcher(script);
            assertThat(heredoc.find())
                    .as("the script feeds psql a quoted here-document")
                    .isTrue();
            assertThat(script)
                    .contains(
                            "--set=owner=\"$POSTGRES_USER\"",
                            "--set=db=\"$POSTGRES_DB\"",
                            "--set=password=\"$GRAFANA_DB_PASSWORD\"");
            String sql = heredoc.group(1)
                    .replace(":'password'", "'" + password + "'")
                    .replace(":\"owner\"", "\"" + OWNER + "\"")
                    .replace(":\"db\"", "\"" + DATABASE + "\"");
            assertThat(sql).as("every psql variable is known").doesNotContain(":'", ":\"");
            return sql;
        }
    }

    // ---- the real tools ------------------------------------------------------------------------------------------

    @Nested
    class Tools {

        static final String DCLINT_VERSION = "3.1.0";
        static final Duration TIMEOUT = Duration.ofMinutes(2);

        /** Variables not to inherit from the shell, where they would win over the env file (COMPOSE_* go too). */
        private List<String> composeVariables() throws IOException {
            return new ArrayList<>(envFile(ENV_EXAMPLE).keySet());
        }

        /** docker-compose (Debian's 1.29 or a v2 binary), else Docker's compose plugin: `config` needs no engine. */
        private List<String> dockerCompose() throws Exception {
            Optional<Path> standalone = Commands.onPath("docker-compose");
            if (standalone.isPresent()) {
                return List.of(standalone.get().toString());
            }
            Optional<Path> docker = Commands.onPath("docker");
            if (docker.isPresent()
                    && Commands.run(ROOT, TIMEOUT, List.of(docker.get().toString(), "compose", "version"))
                                    .exitCode()
                            == 0) {
                return List.of(docker.get().toString(), "compose");
            }
            assumeTrue(
                    false,
                    "docker-compose is not installed (Debian package docker-compose, or run"
                            + " .ci/install-test-tools as root): the compose file's own validation is skipped");
            throw new IllegalStateException("unreachable");
        }

        private Commands.Result compose(Path envFile, String... args) throws Exception {
            List<String> command = new ArrayList<>(dockerCompose());
            command.addAll(
                    List.of("-f", COMPOSE.toString(), "--env-file", envFile.toString(), "-p", "alphadecay-test"));
            command.addAll(List.of(args));
            return Commands.run(ROOT, TIMEOUT, composeVariables(), List.of("COMPOSE_"), Map.of(), command);
        }

        @Test
        void dockerComposeAcceptsTheFileWithAndWithoutTheGpuProfile() throws Exception {
            Commands.Result plain = compose(ENV_EXAMPLE, "config", "-q");
            assertThat(plain.exitCode()).as(plain.describe()).isZero();
            Commands.Result gpu = compose(ENV_EXAMPLE, "--profile", "gpu", "config", "-q");
            assertThat(gpu.exitCode()).as(gpu.describe()).isZero();
        }

        @Test
        void dockerComposeRendersTheStackWithTheValuesOfTheEnvFile() throws Exception {
            Map<String, String> example = envFile(ENV_EXAMPLE);
            Commands.Result rendered = compose(ENV_EXAMPLE, "--profile", "gpu", "config");
            assertThat(rendered.exitCode()).as(rendered.describe()).isZero();
            Map<String, Object> config =
                    yaml(new java.io.ByteArrayInputStream(rendered.stdout().getBytes(StandardCharsets.UTF_8)));
            assertThat(services(config).keySet()).containsAll(DEFAULT_SERVICES).contains(GPU_TRAINER);
            assertThat(strings(service(config, GPU_TRAINER).get("profiles"))).containsExactly("gpu");
            Map<String, String> api = environment(service(config, "control-api"));
            assertThat(api)
                    .containsEntry("ALPHADECAY_DB_PASSWORD", example.get("POSTGRES_PASSWORD"))
                    .containsEntry("ALPHADECAY_SERVICE_TOKEN", example.get("ALPHADECAY_SERVICE_TOKEN"));
            assertThat(environment(service(config, GPU_TRAINER)))
                    .containsEntry("ALPHADECAY_OPERATOR_TOKEN", example.get("ALPHADECAY_OPERATOR_TOKEN"))
                    .containsEntry("ALPHADECAY_ESD_URL", "http://esd-service:8081");

            Commands.Result plain = compose(ENV_EXAMPLE, "config");
            assertThat(plain.exitCode()).as(plain.describe()).isZero();
            Map<String, Object> gpuInPlain = map(services(
                            yaml(new java.io.ByteArrayInputStream(plain.stdout().getBytes(StandardCharsets.UTF_8))))
                    .getOrDefault(GPU_TRAINER, Map.of()));
            // docker-compose 1.x lists every service, v2 only the active ones: either way not without its profile
            if (!gpuInPlain.isEmpty()) {
                assertThat(strings(gpuInPlain.get("profiles"))).containsExactly("gpu");
            }
        }

        @Test
        void dockerComposeRefusesToStartWithoutTheSecrets(@TempDir Path temp) throws Exception {
            Path partial = temp.resolve("partial.env");
            List<String> lines = Files.readAllLines(ENV_EXAMPLE).stream()
                    .filter(l -> !l.startsWith("ALPHADECAY_SERVICE_TOKEN="))
                    .toList();
            Files.write(partial, lines);
            Commands.Result result = compose(partial, "config", "-q");
            assertThat(result.exitCode()).as(result.describe()).isNotZero();
            assertThat(result.output()).contains("set ALPHADECAY_SERVICE_TOKEN in .env");
        }

        // dclint: the compose-spec JSON schema (which it always checks) and its best-practice rules

        private Path dclint() throws Exception {
            Path prefix = RepositoryFiles.resolve("deploy/target/dclint");
            Path cli = prefix.resolve("node_modules/dclint/bin/dclint.cjs");
            Path manifest = prefix.resolve("node_modules/dclint/package.json");
            if (!Files.isRegularFile(manifest)
                    || !new ObjectMapper()
                            .readTree(manifest.toFile())
                            .path("version")
                            .asString()
                            .equals(DCLINT_VERSION)) {
                Path npm = Commands.onPath("npm")
                        .orElseThrow(
                                () -> new AssertionError("npm is needed to install dclint (it comes with Node.js)"));
                Files.createDirectories(prefix);
                Commands.Result install = Commands.run(
                        prefix,
                        Duration.ofMinutes(5),
                        List.of(
                                npm.toString(),
                                "install",
                                "--prefix",
                                prefix.toString(),
                                "--no-audit",
                                "--no-fund",
                                "--ignore-scripts",
                                "--loglevel=error",
                                "dclint@" + DCLINT_VERSION));
                assertThat(install.exitCode())
                        .as("npm install dclint@" + DCLINT_VERSION + "\n" + install.describe())
                        .isZero();
            }
            assertThat(cli).isRegularFile();
            return cli;
        }

        private JsonNode runDclint(Path file) throws Exception {
            Path node = Commands.onPath("node").orElseThrow(() -> new AssertionError("node is needed for dclint"));
            Commands.Result result = Commands.run(
                    ROOT,
                    TIMEOUT,
                    List.of(
                            node.toString(),
                            dclint().toString(),
                            file.toString(),
                            "-c",
                            ROOT.resolve("deploy/compose/dclint.yml").toString(),
                            "-f",
                            "json",
                            "--no-color",
                            "--max-warnings",
                            "0"));
            String json = result.stdout().strip();
            assertThat(json).as(result.describe()).startsWith("[");
            JsonNode report = new ObjectMapper().readTree(json);
            assertThat(report.size()).as(result.describe()).isEqualTo(1);
            JsonNode fileReport = report.get(0);
            boolean clean = fileReport.path("errorCount").asInt(-1) == 0
                    && fileReport.path("warningCount").asInt(-1) == 0;
            assertThat(result.exitCode() == 0)
                    .as("exit code agrees with the report\n" + result.describe())
                    .isEqualTo(clean);
            return fileReport;
        }

        @Test
        void dclintFindsNeitherSchemaErrorsNorWarnings() throws Exception {
            JsonNode report = runDclint(COMPOSE);
            assertThat(report.path("errorCount").asInt(-1))
                    .as(report.toString())
                    .isZero();
            assertThat(report.path("warningCount").asInt(-1))
                    .as(report.toString())
                    .isZero();
        }

        @Test
        void dclintReportsAKeyTheComposeSpecDoesNotHave(@TempDir Path temp) throws Exception {
            // Proves the check above would see a schema error: the same file with one unknown service key
            String text = Files.readString(COMPOSE);
            String broken = text.replaceFirst("\n  postgres:\n", "\n  postgres:\n    restart_policy: always\n");
            assertThat(broken).isNotEqualTo(text);
            Path copy = Files.writeString(temp.resolve("docker-compose.yml"), broken);
            JsonNode report = runDclint(copy);
            assertThat(report.path("errorCount").asInt()).isPositive();
            List<String> rules = new ArrayList<>();
            report.path("messages").forEach(m -> rules.add(m.path("rule").asString()));
            assertThat(rules).contains("invalid-schema");
        }

        // promtool

        @Test
        void promtoolAcceptsThePrometheusConfiguration(@TempDir Path temp) throws Exception {
            Optional<Path> promtool = Commands.onPath("promtool");
            assumeTrue(
                    promtool.isPresent(),
                    "promtool is not installed (Debian package prometheus, or run"
                            + " .ci/install-test-tools as root): the Prometheus configuration check is skipped");
            // promtool insists that credentials files exist; start.sh writes the real one when the container starts
            String tokenFile = prometheusTokenFile();
            Path token = Files.writeString(temp.resolve("service-token"), "a-service-token-for-promtool");
            String config = Files.readString(PROMETHEUS);
            int uses = config.split(Pattern.quote(tokenFile), -1).length - 1;
            assertThat(uses).isGreaterThanOrEqualTo(3);
            Path rendered =
                    Files.writeString(temp.resolve("prometheus.yml"), config.replace(tokenFile, token.toString()));
            Commands.Result result = Commands.run(
                    temp, TIMEOUT, List.of(promtool.get().toString(), "check", "config", rendered.toString()));
            assertThat(result.exitCode()).as(result.describe()).isZero();
            assertThat(result.output()).contains("SUCCESS");
        }
    }
}
