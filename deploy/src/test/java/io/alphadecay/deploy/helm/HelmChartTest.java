package io.alphadecay.deploy.helm;

import static io.alphadecay.deploy.helm.Manifests.at;
import static io.alphadecay.deploy.helm.Manifests.container;
import static io.alphadecay.deploy.helm.Manifests.containers;
import static io.alphadecay.deploy.helm.Manifests.env;
import static io.alphadecay.deploy.helm.Manifests.envValue;
import static io.alphadecay.deploy.helm.Manifests.envVar;
import static io.alphadecay.deploy.helm.Manifests.list;
import static io.alphadecay.deploy.helm.Manifests.map;
import static io.alphadecay.deploy.helm.Manifests.podSpec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.marcnuri.helm.LintResult;
import io.alphadecay.deploy.RepositoryFiles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Helm chart rendered by Helm itself (helm-java), with the default values (an evaluation install on CPU) and
 * with ci/gpu-values.yaml (a production GPU cluster), checked object by object.
 */
class HelmChartTest {

    private static final HelmChart CHART = new HelmChart(RepositoryFiles.resolve("helm/alphadecay"));
    private static final Path GPU_VALUES = CHART.folder().resolve("ci/gpu-values.yaml");
    private static final String PREFIX = HelmChart.RELEASE + "-alphadecay-";
    private static final String CONTROL_API = PREFIX + "control-api";
    private static final String ESD = PREFIX + "esd-service";
    private static final String TRAINER = PREFIX + "trainer-service";
    private static final String POSTGRESQL = PREFIX + "postgresql";
    private static final String AUTH_SECRET = PREFIX + "auth";
    private static final List<String> SERVICES = List.of(CONTROL_API, ESD, TRAINER);
    private static final String HOME = "/var/lib/alphadecay";

    private static FakeKubernetesApi api;

    @TempDir
    Path temp;

    @BeforeAll
    static void startFakeCluster() throws IOException {
        String kubeconfig = System.getenv("KUBECONFIG");
        assertThat(kubeconfig)
                .as(
                        "KUBECONFIG must point into target/ (set by surefire in deploy/pom.xml): run these tests with Maven")
                .isNotBlank();
        api = FakeKubernetesApi.start();
        api.writeKubeconfig(Path.of(kubeconfig));
    }

    @AfterAll
    static void stopFakeCluster() {
        if (api != null) {
            api.close();
        }
    }

    @BeforeEach
    void emptyCluster() {
        api.reset();
    }

    // ---- lint ----

    @Test
    void lintStrictPassesWithTheDefaultValues() {
        assertLintPasses(CHART.lintStrict());
    }

    @Test
    void lintStrictPassesWithTheGpuValues() throws IOException {
        // helm-java's lint takes no values file: lint a copy whose values.yaml is the GPU file merged over the
        // defaults.
        HelmChart copy = CHART.copyTo(temp.resolve("alphadecay"));
        Map<String, Object> merged =
                HelmChart.merge(yamlFile(copy.folder().resolve("values.yaml")), yamlFile(GPU_VALUES));
        Files.writeString(copy.folder().resolve("values.yaml"), Manifests.dump(merged));
        assertThat(copy.template(null).find("ServiceMonitor", HelmChart.RELEASE + "-alphadecay"))
                .as("the merged values are the GPU cluster's")
                .isPresent();
        assertLintPasses(copy.lintStrict());
    }

    private static void assertLintPasses(LintResult result) {
        assertThat(result.isFailed())
                .as("lint --strict: %s", result.getMessages())
                .isFalse();
        assertThat(result.getMessages()).noneMatch(m -> m.contains("[WARNING]") || m.contains("[ERROR]"));
    }

    // ---- what is deployed ----

    @Test
    void defaultsDeployEveryServiceWithTheBundledDatabaseOnCpu() {
        Manifests manifests = CHART.template(null);

        assertThat(manifests.ofKind("Deployment"))
                .extracting(o -> at(o, "metadata.name"))
                .containsExactlyInAnyOrder(CONTROL_API, ESD, TRAINER);
        assertThat(at(manifests.get("Deployment", CONTROL_API), "spec.replicas"))
                .isEqualTo(2);
        assertThat(at(manifests.get("Deployment", ESD), "spec.replicas")).isEqualTo(1);
        assertThat(at(manifests.get("StatefulSet", POSTGRESQL), "metadata.annotations"))
                .isEqualTo(Map.of("alphadecay.io/purpose", "evaluation-only"));
        assertThat(manifests.ofKind("Service"))
                .extracting(o -> at(o, "metadata.name"))
                .containsExactlyInAnyOrder(CONTROL_API, ESD, TRAINER, POSTGRESQL);
        assertThat(manifests.ofKind("Service"))
                .allSatisfy(s -> assertThat(at(s, "spec.type")).isEqualTo("ClusterIP"));
        assertThat(manifests.ofKind("HorizontalPodAutoscaler")).isEmpty();
        assertThat(manifests.ofKind("ServiceMonitor")).isEmpty();
        assertThat(manifests.ofKind("PodDisruptionBudget")).isEmpty();

        Map<String, Object> controlApi = container(manifests.get("Deployment", CONTROL_API));
        assertThat(envValue(controlApi, "ALPHADECAY_DB_URL"))
                .isEqualTo("jdbc:postgresql://" + POSTGRESQL + ":5432/alphadecay");
        assertThat(at(envVar(controlApi, "ALPHADECAY_DB_PASSWORD"), "valueFrom.secretKeyRef.name"))
                .isEqualTo(POSTGRESQL);

        Map<String, Object> trainer = manifests.get("Deployment", TRAINER);
        assertThat(map(at(container(trainer), "resources.limits"))).doesNotContainKey("nvidia.com/gpu");
        assertThat(podSpec(trainer)).doesNotContainKeys("runtimeClassName", "tolerations", "nodeSelector");
        assertThat(envValue(container(trainer), "ALPHADECAY_DEVICE")).isEqualTo("auto");
        assertThat(container(trainer).get("image")).isEqualTo("alphadecay/trainer-service:" + appVersion());
        assertThat(container(manifests.get("Deployment", ESD)).get("image"))
                .isEqualTo("alphadecay/esd-service:" + appVersion());
    }

    @ParameterizedTest
    @MethodSource("valueSets")
    void everyObjectCarriesTheStandardLabelsAndEveryServiceFindsItsPods(String valueSet, Path values) {
        Manifests manifests = CHART.template(values);
        for (Map<String, Object> object : manifests.objects()) {
            assertThat(map(at(object, "metadata.labels")))
                    .as("labels of %s %s", object.get("kind"), at(object, "metadata.name"))
                    .containsEntry("app.kubernetes.io/name", "alphadecay")
                    .containsEntry("app.kubernetes.io/instance", HelmChart.RELEASE)
                    .containsEntry("app.kubernetes.io/managed-by", "Helm")
                    .containsEntry("app.kubernetes.io/version", appVersion())
                    .containsKey("helm.sh/chart");
        }
        List<Map<String, Object>> workloads = Stream.of("Deployment", "StatefulSet")
                .flatMap(kind -> manifests.ofKind(kind).stream())
                .toList();
        for (Map<String, Object> workload : workloads) {
            assertThat(map(at(workload, "spec.template.metadata.labels")))
                    .containsAllEntriesOf(map(at(workload, "spec.selector.matchLabels")));
        }
        for (Map<String, Object> service : manifests.ofKind("Service")) {
            Map<String, Object> selector = map(at(service, "spec.selector"));
            assertThat(workloads)
                    .as("workloads selected by Service %s", at(service, "metadata.name"))
                    .filteredOn(w -> map(at(w, "spec.template.metadata.labels"))
                            .entrySet()
                            .containsAll(selector.entrySet()))
                    .hasSize(1);
        }
    }

    @ParameterizedTest
    @MethodSource("valueSets")
    void everyObjectMatchesTheKubernetesApi(String valueSet, Path values) {
        // Every optional object on, so that each is checked.
        Manifests manifests = CHART.template(
                values,
                Map.of(
                        "metrics.serviceMonitor.enabled",
                        true,
                        "controlApi.podDisruptionBudget.enabled",
                        true,
                        "esdService.podDisruptionBudget.enabled",
                        true,
                        "trainer.podDisruptionBudget.enabled",
                        true,
                        "esdService.autoscaling.enabled",
                        true));
        assertThat(manifests.ofKind("PodDisruptionBudget")).hasSize(3);
        for (Map<String, Object> object : manifests.objects()) {
            // The ServiceMonitor is a custom resource, without a model here: its own test checks its fields.
            if (!"ServiceMonitor".equals(object.get("kind"))) {
                KubernetesModels.validate(object);
            }
        }
        assertThat(manifests.objects())
                .extracting(o -> (String) o.get("kind"))
                .allMatch(kind -> KubernetesModels.covers(kind) || kind.equals("ServiceMonitor"));
    }

    // ---- probes, security, resources ----

    @ParameterizedTest
    @MethodSource("valueSets")
    void everyServiceIsProbedOnItsHealthGroups(String valueSet, Path values) {
        Manifests manifests = CHART.template(values);
        for (String name : SERVICES) {
            Map<String, Object> container = container(manifests.get("Deployment", name));
            assertThat(at(container, "livenessProbe.httpGet.path")).as(name).isEqualTo("/actuator/health/liveness");
            assertThat(at(container, "readinessProbe.httpGet.path")).as(name).isEqualTo("/actuator/health/readiness");
            assertThat(at(container, "startupProbe.httpGet.path")).as(name).isEqualTo("/actuator/health/liveness");
            Map<String, Object> port = map(list(container.get("ports")).get(0));
            assertThat(port.get("name")).isEqualTo("http");
            assertThat(at(container, "livenessProbe.httpGet.port")).isEqualTo("http");
            assertThat(envValue(container, "SERVER_PORT")).isEqualTo(String.valueOf(port.get("containerPort")));
            assertThat(list(at(manifests.get("Service", name), "spec.ports")))
                    .extracting(p -> map(p).get("port"))
                    .containsExactly(port.get("containerPort"));
        }
    }

    @ParameterizedTest
    @MethodSource("valueSets")
    void podsRunAsNonRootOnReadOnlyRootFilesystemsWithLimits(String valueSet, Path values) {
        Manifests manifests = CHART.template(values);
        assertThat(manifests.podSpecs()).hasSizeGreaterThanOrEqualTo(3);
        for (Map<String, Object> pod : manifests.podSpecs()) {
            assertThat(at(pod, "securityContext.runAsNonRoot")).isEqualTo(true);
            assertThat(pod.get("automountServiceAccountToken")).isEqualTo(false);
            for (Map<String, Object> container : containers(pod)) {
                assertThat(at(container, "securityContext.readOnlyRootFilesystem"))
                        .as("%s", container.get("name"))
                        .isEqualTo(true);
                assertThat(at(container, "securityContext.allowPrivilegeEscalation"))
                        .isEqualTo(false);
                assertThat(list(at(container, "securityContext.capabilities.drop")))
                        .containsExactly("ALL");
                assertThat(map(at(container, "resources.requests"))).containsKeys("cpu", "memory");
                assertThat(map(at(container, "resources.limits"))).containsKeys("cpu", "memory");
            }
        }
        // The services write only to their home and /tmp, which are volumes.
        for (String name : SERVICES) {
            Map<String, Object> workload = manifests.get("Deployment", name);
            Map<String, Object> container = container(workload);
            assertThat(envValue(container, "ALPHADECAY_HOME")).isEqualTo(HOME);
            Map<String, String> mounts = list(container.get("volumeMounts")).stream()
                    .map(Manifests::map)
                    .collect(Collectors.toMap(m -> (String) m.get("mountPath"), m -> (String) m.get("name")));
            Map<String, Map<String, Object>> volumes = list(podSpec(workload).get("volumes")).stream()
                    .map(Manifests::map)
                    .collect(Collectors.toMap(v -> (String) v.get("name"), v -> v));
            assertThat(volumes.get(mounts.get("/tmp"))).as("/tmp of %s", name).containsKey("emptyDir");
            String homeVolume = name.equals(TRAINER) ? "persistentVolumeClaim" : "emptyDir";
            assertThat(volumes.get(mounts.get(HOME))).as("home of %s", name).containsKey(homeVolume);
        }
    }

    // ---- secrets ----

    @ParameterizedTest
    @MethodSource("valueSets")
    void tokensAndPasswordsReachContainersOnlyThroughSecretKeyRefs(String valueSet, Path values) {
        Manifests manifests = CHART.template(values);
        Map<String, Object> controlApi = container(manifests.get("Deployment", CONTROL_API));
        assertThat(env(controlApi))
                .extracting(e -> e.get("name"))
                .contains(
                        "ALPHADECAY_OPERATOR_TOKEN",
                        "ALPHADECAY_SERVICE_TOKEN",
                        "ALPHADECAY_DB_USER",
                        "ALPHADECAY_DB_PASSWORD");
        for (String name : SERVICES) {
            assertThat(env(container(manifests.get("Deployment", name))))
                    .extracting(e -> e.get("name"))
                    .contains("ALPHADECAY_OPERATOR_TOKEN", "ALPHADECAY_SERVICE_TOKEN");
        }
        Set<String> existingSecrets = new HashSet<>();
        if (values != null) {
            Map<String, Object> file = yamlFile(values);
            Stream.of("auth.existingSecret", "database.existingSecret")
                    .map(p -> at(file, p))
                    .filter(s -> s instanceof String text && !text.isEmpty())
                    .forEach(s -> existingSecrets.add((String) s));
        }
        int references = 0;
        for (Map<String, Object> pod : manifests.podSpecs()) {
            for (Map<String, Object> container : containers(pod)) {
                for (Map<String, Object> variable : env(container)) {
                    String name = (String) variable.get("name");
                    if (name.matches(".*(TOKEN|PASSWORD|_USER).*")) {
                        assertThat(variable)
                                .as("%s of %s", name, container.get("name"))
                                .doesNotContainKey("value");
                        Map<String, Object> ref = map(at(variable, "valueFrom.secretKeyRef"));
                        assertSecretKeyExists(
                                manifests, existingSecrets, (String) ref.get("name"), (String) ref.get("key"));
                        references++;
                    }
                }
            }
        }
        assertThat(references).isGreaterThanOrEqualTo(8);
    }

    private static void assertSecretKeyExists(Manifests manifests, Set<String> existing, String secret, String key) {
        if (existing.contains(secret)) {
            assertThat(manifests.find("Secret", secret))
                    .as("existing Secret %s rendered", secret)
                    .isEmpty();
        } else {
            assertThat(map(manifests.get("Secret", secret).get("data")))
                    .as("keys of Secret %s", secret)
                    .containsKey(key);
        }
    }

    @Test
    void generatedTokensAndPasswordsAppearInNoOtherObject() {
        // An external database with inline credentials: the chart stores them in a Secret of its own.
        String password = "an-inline-db-password-42";
        Manifests external = CHART.template(
                null,
                Map.of(
                        "postgresql.enabled",
                        false,
                        "database.url",
                        "jdbc:postgresql://db.example:5432/alphadecay",
                        "database.user",
                        "trainer-db-user",
                        "database.password",
                        password));
        Map<String, String> credentials = decodedData(external.get("Secret", PREFIX + "database"));
        assertThat(credentials).containsEntry("username", "trainer-db-user").containsEntry("password", password);
        assertThat(external.find("StatefulSet", POSTGRESQL)).isEmpty();
        Map<String, Object> controlApi = container(external.get("Deployment", CONTROL_API));
        assertThat(envValue(controlApi, "ALPHADECAY_DB_URL")).isEqualTo("jdbc:postgresql://db.example:5432/alphadecay");
        assertThat(at(envVar(controlApi, "ALPHADECAY_DB_PASSWORD"), "valueFrom.secretKeyRef.name"))
                .isEqualTo(PREFIX + "database");

        for (Manifests manifests : List.of(external, CHART.template(null))) {
            Set<String> secretValues = new HashSet<>();
            for (Map<String, Object> secret : manifests.ofKind("Secret")) {
                decodedData(secret).forEach((key, value) -> {
                    if (key.contains("token") || key.contains("password")) {
                        secretValues.add(value);
                    }
                });
            }
            assertThat(secretValues).hasSizeGreaterThanOrEqualTo(3);
            for (Map<String, Object> object : manifests.objects()) {
                if (!"Secret".equals(object.get("kind"))) {
                    String text = Manifests.dump(object);
                    assertThat(secretValues)
                            .as("secrets in %s", at(object, "metadata.name"))
                            .noneMatch(text::contains);
                }
            }
        }
    }

    @Test
    void generatedTokensAreRandomOnInstallAndKeptOnUpgrade() {
        Map<String, String> first = decodedData(CHART.template(null).get("Secret", AUTH_SECRET));
        Map<String, String> second = decodedData(CHART.template(null).get("Secret", AUTH_SECRET));
        assertThat(first.get("operator-token"))
                .hasSizeGreaterThanOrEqualTo(16)
                .isNotEqualTo(first.get("service-token"));
        assertThat(first.get("operator-token")).isNotEqualTo(second.get("operator-token"));

        // An upgrade: the cluster already holds the Secrets of the first install.
        api.putSecret(HelmChart.NAMESPACE, AUTH_SECRET, first);
        api.putSecret(
                HelmChart.NAMESPACE, POSTGRESQL, Map.of("username", "alphadecay", "password", "stored-password-1234"));
        Manifests upgrade = CHART.template(null);
        assertThat(api.secretRequests())
                .contains(HelmChart.NAMESPACE + "/" + AUTH_SECRET, HelmChart.NAMESPACE + "/" + POSTGRESQL);
        assertThat(decodedData(upgrade.get("Secret", AUTH_SECRET))).isEqualTo(first);
        assertThat(decodedData(upgrade.get("Secret", POSTGRESQL))).containsEntry("password", "stored-password-1234");

        // Same Secrets, same checksums: an upgrade does not roll the pods; a changed Secret does.
        Map<String, Object> annotations = podAnnotations(upgrade, CONTROL_API);
        assertThat(annotations).containsKeys("checksum/auth", "checksum/database");
        assertThat(podAnnotations(CHART.template(null), CONTROL_API)).isEqualTo(annotations);
        api.putSecret(
                HelmChart.NAMESPACE,
                AUTH_SECRET,
                Map.of("operator-token", "a-rotated-operator-token", "service-token", first.get("service-token")));
        Map<String, Object> rotated = podAnnotations(CHART.template(null), CONTROL_API);
        assertThat(rotated.get("checksum/auth")).isNotEqualTo(annotations.get("checksum/auth"));
        assertThat(rotated.get("checksum/database")).isEqualTo(annotations.get("checksum/database"));
    }

    @Test
    void existingSecretsAreReferencedAndNotRendered() {
        Manifests manifests = CHART.template(GPU_VALUES);
        Map<String, Object> gpu = yamlFile(GPU_VALUES);
        assertThat(manifests.ofKind("Secret"))
                .as("Secrets rendered with existingSecret for tokens and database")
                .isEmpty();
        assertThat(manifests.find("StatefulSet", POSTGRESQL)).isEmpty();
        Map<String, Object> controlApi = container(manifests.get("Deployment", CONTROL_API));
        assertThat(envValue(controlApi, "ALPHADECAY_DB_URL")).isEqualTo(at(gpu, "database.url"));
        assertThat(envValue(controlApi, "ALPHADECAY_DB_POOL_SIZE")).isEqualTo("20");
        for (String variable : List.of("ALPHADECAY_DB_USER", "ALPHADECAY_DB_PASSWORD")) {
            assertThat(at(envVar(controlApi, variable), "valueFrom.secretKeyRef.name"))
                    .isEqualTo("alphadecay-db");
        }
        for (String name : SERVICES) {
            Map<String, Object> container = container(manifests.get("Deployment", name));
            assertThat(at(envVar(container, "ALPHADECAY_SERVICE_TOKEN"), "valueFrom.secretKeyRef"))
                    .isEqualTo(Map.of("name", "alphadecay-tokens", "key", "service-token"));
            assertThat(at(envVar(container, "ALPHADECAY_OPERATOR_TOKEN"), "valueFrom.secretKeyRef"))
                    .isEqualTo(Map.of("name", "alphadecay-tokens", "key", "operator-token"));
        }
    }

    static Stream<Object[]> missingDatabases() {
        return Stream.of(
                new Object[] {Map.of("postgresql.enabled", false), "no database configured"},
                new Object[] {
                    Map.of("database.url", "jdbc:postgresql://db:5432/alphadecay", "database.user", "u"), "not both"
                },
                new Object[] {
                    Map.of("postgresql.enabled", false, "database.url", "jdbc:postgresql://db:5432/alphadecay"),
                    "needs credentials"
                },
                new Object[] {
                    Map.of(
                            "postgresql.enabled",
                            false,
                            "database.url",
                            "postgres://db:5432/alphadecay",
                            "database.existingSecret",
                            "db"),
                    "must be a JDBC URL"
                });
    }

    @ParameterizedTest
    @MethodSource("missingDatabases")
    void renderingFailsWithoutExactlyOneUsableDatabase(Map<String, Object> set, String message) {
        assertThatThrownBy(() -> CHART.template(null, set))
                .hasMessageContaining("alphadecay: ")
                .hasMessageContaining(message);
    }

    // ---- GPU workers ----

    @Test
    void gpuValuesScheduleWorkersOnGpuNodes() {
        Manifests manifests = CHART.template(GPU_VALUES);
        Map<String, Object> gpu = map(yamlFile(GPU_VALUES).get("trainer"));
        Map<String, Object> trainer = manifests.get("Deployment", TRAINER);
        Map<String, Object> pod = podSpec(trainer);
        Map<String, Object> container = container(trainer);

        assertThat(at(trainer, "spec.replicas")).isEqualTo(4);
        assertThat(map(at(container, "resources.limits")))
                .containsEntry("nvidia.com/gpu", 1)
                .containsEntry("cpu", "16")
                .containsEntry("memory", "64Gi");
        assertThat(map(at(container, "resources.requests"))).doesNotContainKey("nvidia.com/gpu");
        assertThat(list(pod.get("tolerations")))
                .contains(Map.of("key", "nvidia.com/gpu", "operator", "Exists", "effect", "NoSchedule"));
        assertThat(pod.get("nodeSelector")).isEqualTo(gpu.get("nodeSelector"));
        assertThat(pod.get("affinity")).isEqualTo(gpu.get("affinity"));
        assertThat(pod.get("runtimeClassName")).isEqualTo("nvidia");
        assertThat(container.get("image")).isEqualTo("alphadecay/trainer-service:" + appVersion() + "-cuda");
        assertThat(envValue(container, "ALPHADECAY_DEVICE")).isEqualTo("gpu");
        // GPUs stay on the trainers.
        for (String name : List.of(CONTROL_API, ESD)) {
            assertThat(map(at(container(manifests.get("Deployment", name)), "resources.limits")))
                    .doesNotContainKey("nvidia.com/gpu");
        }
    }

    @Test
    void gpuImageAndTolerationsCanBeOverridden() {
        Manifests manifests = CHART.template(
                GPU_VALUES,
                Map.of(
                        "trainer.gpu.image.repository",
                        "registry.example/trainer-cuda",
                        "trainer.gpu.image.tag",
                        "12.8",
                        "trainer.tolerations[0].key",
                        "dedicated",
                        "trainer.tolerations[0].operator",
                        "Exists"));
        Map<String, Object> trainer = manifests.get("Deployment", TRAINER);
        assertThat(container(trainer).get("image")).isEqualTo("registry.example/trainer-cuda:12.8");
        assertThat(list(podSpec(trainer).get("tolerations")))
                .extracting(t -> map(t).get("key"))
                .containsExactly("dedicated", "nvidia.com/gpu");
    }

    @ParameterizedTest
    @MethodSource("valueSets")
    void workersAreNamedAfterTheirPodAndShareTheirHome(String valueSet, Path values) {
        Manifests manifests = CHART.template(values);
        Map<String, Object> trainer = container(manifests.get("Deployment", TRAINER));
        assertThat(at(envVar(trainer, "ALPHADECAY_WORKER_ID"), "valueFrom.fieldRef.fieldPath"))
                .isEqualTo("metadata.name");
        assertThat(envVar(trainer, "ALPHADECAY_WORKER_ID")).doesNotContainKey("value");
        assertThat(envValue(trainer, "ALPHADECAY_CHECKPOINT_DIR")).startsWith(HOME + "/");
        assertThat(envValue(trainer, "ALPHADECAY_CONTROL_API_URL")).isEqualTo("http://" + CONTROL_API + ":8080");
        assertThat(envValue(trainer, "ALPHADECAY_ESD_URL")).isEqualTo("http://" + ESD + ":8081");
        assertThat(envValue(container(manifests.get("Deployment", ESD)), "ALPHADECAY_CONTROL_API_URL"))
                .isEqualTo("http://" + CONTROL_API + ":8080");

        String claim = PREFIX + "trainer-home";
        Map<String, Object> pvc = manifests.get("PersistentVolumeClaim", claim);
        assertThat(list(at(pvc, "spec.accessModes"))).containsExactly("ReadWriteMany");
        assertThat(map(at(pvc, "metadata.annotations"))).containsEntry("helm.sh/resource-policy", "keep");
        assertThat(list(podSpec(manifests.get("Deployment", TRAINER)).get("volumes")))
                .extracting(v -> map(v).get("persistentVolumeClaim"))
                .contains(Map.of("claimName", claim));
    }

    // ---- scaling and monitoring ----

    @Test
    void esdAutoscalerOnlyWhenEnabled() {
        assertThat(CHART.template(null).ofKind("HorizontalPodAutoscaler")).isEmpty();

        Manifests manifests = CHART.template(GPU_VALUES);
        Map<String, Object> hpa = manifests.get("HorizontalPodAutoscaler", ESD);
        assertThat(at(hpa, "spec.scaleTargetRef"))
                .isEqualTo(Map.of("apiVersion", "apps/v1", "kind", "Deployment", "name", ESD));
        assertThat(at(hpa, "spec.minReplicas")).isEqualTo(2);
        assertThat(at(hpa, "spec.maxReplicas")).isEqualTo(8);
        assertThat(map(manifests.get("Deployment", ESD).get("spec")))
                .as("replicas left to the autoscaler")
                .doesNotContainKey("replicas");
        assertThat(manifests.ofKind("HorizontalPodAutoscaler")).hasSize(1);
    }

    @Test
    void podDisruptionBudgetsOnlyWhenEnabled() {
        assertThat(CHART.template(null).ofKind("PodDisruptionBudget")).isEmpty();
        Manifests manifests = CHART.template(GPU_VALUES);
        assertThat(manifests.ofKind("PodDisruptionBudget"))
                .extracting(p -> at(p, "metadata.name"))
                .containsExactly(CONTROL_API);
        assertThat(at(manifests.get("PodDisruptionBudget", CONTROL_API), "spec.selector.matchLabels"))
                .isEqualTo(at(manifests.get("Deployment", CONTROL_API), "spec.selector.matchLabels"));
    }

    @Test
    void serviceMonitorOnlyWhenEnabledScrapingWithTheServiceToken() {
        assertThat(CHART.template(null).ofKind("ServiceMonitor")).isEmpty();
        assertThat(CHART.template(null, Map.of("metrics.serviceMonitor.enabled", true))
                        .ofKind("ServiceMonitor"))
                .hasSize(1);

        Manifests manifests = CHART.template(GPU_VALUES);
        assertThat(manifests.ofKind("ServiceMonitor")).hasSize(1);
        Map<String, Object> monitor = manifests.ofKind("ServiceMonitor").get(0);
        assertThat(map(at(monitor, "metadata.labels"))).containsEntry("release", "kube-prometheus-stack");
        Map<String, Object> endpoint = map(list(at(monitor, "spec.endpoints")).get(0));
        assertThat(endpoint.get("path")).isEqualTo("/actuator/prometheus");
        assertThat(endpoint.get("port")).isEqualTo("http");
        assertThat(at(endpoint, "authorization.type")).isEqualTo("Bearer");
        assertThat(at(endpoint, "authorization.credentials"))
                .isEqualTo(Map.of("name", "alphadecay-tokens", "key", "service-token"));
        assertThat(Manifests.dump(monitor)).doesNotContain("operator-token");

        // The selector picks exactly the three services' Services, each exposing the port it names.
        Map<String, Object> selector = map(at(monitor, "spec.selector"));
        Map<String, Object> component =
                map(list(selector.get("matchExpressions")).get(0));
        List<String> scraped = new ArrayList<>();
        for (Map<String, Object> service : CHART.template(null, Map.of("metrics.serviceMonitor.enabled", true))
                .ofKind("Service")) {
            Map<String, Object> labels = map(at(service, "metadata.labels"));
            boolean selected = labels.entrySet()
                            .containsAll(map(selector.get("matchLabels")).entrySet())
                    && list(component.get("values")).contains(labels.get(component.get("key")));
            if (selected) {
                scraped.add((String) at(service, "metadata.name"));
                assertThat(list(at(service, "spec.ports")))
                        .extracting(p -> map(p).get("name"))
                        .contains("http");
            }
        }
        assertThat(scraped).containsExactlyInAnyOrderElementsOf(SERVICES);
    }

    @ParameterizedTest
    @MethodSource("valueSets")
    void oneDashboardConfigMapPerFileForGrafanasSidecar(String valueSet, Path values) throws IOException {
        Path folder = CHART.folder().resolve("dashboards");
        assertThat(folder)
                .as("the Grafana dashboards, the single source for compose and the chart")
                .isDirectory();
        Map<String, String> files = new LinkedHashMap<>();
        try (Stream<Path> listing = Files.list(folder)) {
            for (Path file : listing.filter(f -> f.getFileName().toString().endsWith(".json"))
                    .sorted()
                    .toList()) {
                files.put(file.getFileName().toString(), Files.readString(file, StandardCharsets.UTF_8));
            }
        }
        assertThat(files.keySet()).contains("training.json", "spectral-health.json", "services.json");

        Manifests manifests = CHART.template(values);
        List<Map<String, Object>> dashboards = manifests.ofKind("ConfigMap").stream()
                .filter(c -> "1".equals(at(c, "metadata.labels.grafana_dashboard")))
                .toList();
        assertThat(dashboards).hasSize(files.size());
        Map<String, String> rendered = new LinkedHashMap<>();
        for (Map<String, Object> configMap : dashboards) {
            Map<String, Object> data = map(configMap.get("data"));
            assertThat(data).hasSize(1);
            data.forEach((key, value) -> rendered.put(key, (String) value));
        }
        assertThat(rendered.keySet()).containsExactlyInAnyOrderElementsOf(files.keySet());
        files.forEach((name, content) -> assertThat(rendered.get(name)).as(name).isEqualTo(content.strip()));

        String namespace = values == null ? HelmChart.NAMESPACE : "monitoring";
        assertThat(dashboards)
                .allSatisfy(c -> assertThat(at(c, "metadata.namespace")).isEqualTo(namespace));
    }

    @Test
    void dashboardsCanBeTurnedOff() {
        assertThat(CHART.template(null, Map.of("dashboards.enabled", false)).ofKind("ConfigMap"))
                .isEmpty();
    }

    // ---- helm test ----

    @ParameterizedTest
    @MethodSource("valueSets")
    void helmTestHookChecksTheReadinessOfEveryService(String valueSet, Path values) throws IOException {
        // Helm keeps hooks out of the rendered manifest: the test pod must not be an ordinary object.
        Manifests manifests = CHART.template(values);
        assertThat(manifests.ofKind("Pod")).isEmpty();

        // A copy of the chart with one more template that renders the hook's file into a ConfigMap, so that the real
        // template, rendered by Helm with the same values, can be read.
        HelmChart copy = CHART.copyTo(temp.resolve("with-probe"));
        Files.writeString(copy.folder().resolve("templates/zz-hook-probe.yaml"), """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: hook-probe
                data:
                  rendered: {{ include (print $.Template.BasePath "/tests/test-readiness.yaml") . | quote }}
                """);
        Map<String, Object> probe = copy.template(values).get("ConfigMap", "hook-probe");
        Map<String, Object> pod =
                Manifests.parse((String) at(probe, "data.rendered")).objects().get(0);

        assertThat(pod.get("kind")).isEqualTo("Pod");
        KubernetesModels.validate(pod);
        assertThat(map(at(pod, "metadata.annotations"))).containsEntry("helm.sh/hook", "test");
        assertThat(at(pod, "spec.restartPolicy")).isEqualTo("Never");
        Map<String, Object> container = map(list(at(pod, "spec.containers")).get(0));
        List<String> urls = List.of(envValue(container, "READINESS_URLS").trim().split("\\s+"));
        List<String> expected = new ArrayList<>();
        for (String name : SERVICES) {
            Object port = map(list(at(manifests.get("Service", name), "spec.ports"))
                            .get(0))
                    .get("port");
            expected.add("http://" + name + ":" + port + "/actuator/health/readiness");
        }
        assertThat(urls).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(String.join(
                        "\n",
                        list(container.get("command")).stream()
                                .map(String::valueOf)
                                .toList()))
                .contains("$READINESS_URLS", "\"status\":\"UP\"", "exit 1");
        assertThat(envVar(container, "SERVICE_TOKEN")).doesNotContainKey("value");
        assertThat(at(envVar(container, "SERVICE_TOKEN"), "valueFrom.secretKeyRef.key"))
                .isEqualTo("service-token");
    }

    // ---- release notes ----

    @Test
    void releaseNotesWarnAboutTheEvaluationDatabaseOnlyWhenItIsUsed() {
        String defaults = CHART.notes(null);
        assertThat(defaults)
                .contains(
                        "helm test " + HelmChart.RELEASE, "svc/" + CONTROL_API, "bundled PostgreSQL is for evaluation");
        String gpu = CHART.notes(GPU_VALUES);
        assertThat(gpu).doesNotContain("bundled PostgreSQL").contains("nvidia.com/gpu", "alphadecay-tokens");
    }

    // ---- documentation ----

    private static final Pattern ROW = Pattern.compile("^\\| `([^`]+)` \\| (.+?) \\| (.+) \\|$");

    @Test
    void readmeTableAndValuesDescribeTheSameKeysWithTheSameDefaults() throws IOException {
        Map<String, Object> values = yamlFile(CHART.folder().resolve("values.yaml"));
        String readme = Files.readString(CHART.folder().resolve("README.md"), StandardCharsets.UTF_8);
        String table = readme.substring(readme.indexOf("\n## Values"));
        Map<String, String> documented = new LinkedHashMap<>();
        for (String line : table.split("\n")) {
            Matcher row = ROW.matcher(line);
            if (row.matches()) {
                assertThat(documented.put(row.group(1), row.group(2)))
                        .as("%s documented twice", row.group(1))
                        .isNull();
                assertThat(row.group(3)).as("description of %s", row.group(1)).isNotBlank();
            }
        }
        assertThat(documented).hasSizeGreaterThan(50);

        Map<String, Object> leaves = new LinkedHashMap<>();
        flatten("", values, leaves);
        for (String leaf : leaves.keySet()) {
            assertThat(documented.keySet())
                    .as("README documents %s (or a map holding it)", leaf)
                    .anyMatch(key -> leaf.equals(key) || leaf.startsWith(key + "."));
        }
        for (Map.Entry<String, String> row : documented.entrySet()) {
            String key = row.getKey();
            assertThat(leaves.keySet())
                    .as("README key %s in values.yaml", key)
                    .anyMatch(leaf -> leaf.equals(key) || leaf.startsWith(key + "."));
            Object value = at(values, key);
            if (value instanceof Map<?, ?> || value instanceof List<?>) {
                String empty = value instanceof Map<?, ?> ? "`{}`" : "`[]`";
                assertThat(row.getValue())
                        .as("default of %s", key)
                        .isEqualTo(
                                ((value instanceof Map<?, ?> m && m.isEmpty())
                                                || (value instanceof List<?> l && l.isEmpty()))
                                        ? empty
                                        : "see values.yaml");
            } else {
                String shown = value instanceof String text ? "\"" + text + "\"" : String.valueOf(value);
                assertThat(row.getValue()).as("default of %s", key).isEqualTo("`" + shown + "`");
            }
        }
    }

    /** Every key whose value is not a non-empty map: scalars, lists and empty maps. */
    private static void flatten(String prefix, Map<String, Object> node, Map<String, Object> leaves) {
        node.forEach((key, value) -> {
            String path = prefix.isEmpty() ? key : prefix + "." + key;
            if (value instanceof Map<?, ?> child && !child.isEmpty()) {
                flatten(path, map(child), leaves);
            } else {
                leaves.put(path, value);
            }
        });
    }

    // ---- helpers ----

    static Stream<Object[]> valueSets() {
        return Stream.of(new Object[] {"defaults", null}, new Object[] {"gpu-values.yaml", GPU_VALUES});
    }

    private static String appVersion() {
        Object version = yamlFile(CHART.folder().resolve("Chart.yaml")).get("appVersion");
        assertThat(version).isInstanceOf(String.class);
        return (String) version;
    }

    private static Map<String, Object> yamlFile(Path file) {
        try {
            return map(Manifests.yaml().load(Files.readString(file, StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Map<String, String> decodedData(Map<String, Object> secret) {
        Map<String, String> decoded = new LinkedHashMap<>();
        map(secret.get("data"))
                .forEach((key, value) -> decoded.put(
                        key, new String(Base64.getDecoder().decode((String) value), StandardCharsets.UTF_8)));
        return decoded;
    }

    private static Map<String, Object> podAnnotations(Manifests manifests, String deployment) {
        return map(at(manifests.get("Deployment", deployment), "spec.template.metadata.annotations"));
    }
}
