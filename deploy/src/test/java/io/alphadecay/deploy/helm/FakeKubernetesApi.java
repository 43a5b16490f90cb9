package io.alphadecay.deploy.helm;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import tools.jackson.databind.json.JsonMapper;

/**
 * Just enough of a Kubernetes API server for Helm's {@code lookup}: discovery of the core group and GET of a Secret
 * (404 unless one was stored). helm-java's template asks a cluster for lookups, unlike {@code helm template}; this
 * keeps the tests off real clusters and lets them show what an upgrade over existing Secrets renders.
 */
final class FakeKubernetesApi implements AutoCloseable {

    private static final Pattern SECRET = Pattern.compile("/api/v1/namespaces/([^/]+)/secrets/([^/]+)");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpServer server;
    private final Map<String, Map<String, String>> secrets = new ConcurrentHashMap<>();
    private final List<String> secretRequests = new CopyOnWriteArrayList<>();

    private FakeKubernetesApi(HttpServer server) {
        this.server = server;
    }

    static FakeKubernetesApi start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        FakeKubernetesApi api = new FakeKubernetesApi(server);
        server.createContext("/", api::handle);
        server.start();
        return api;
    }

    /** Stores a Secret as the cluster would hold it after an earlier install. */
    void putSecret(String namespace, String name, Map<String, String> plainData) {
        Map<String, String> encoded = new LinkedHashMap<>();
        plainData.forEach((key, value) ->
                encoded.put(key, Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8))));
        secrets.put(namespace + "/" + name, encoded);
    }

    void reset() {
        secrets.clear();
        secretRequests.clear();
    }

    /** The Secrets looked up, as namespace/name. */
    List<String> secretRequests() {
        return List.copyOf(secretRequests);
    }

    void writeKubeconfig(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, """
                apiVersion: v1
                kind: Config
                clusters:
                  - name: fake
                    cluster:
                      server: http://127.0.0.1:%d
                contexts:
                  - name: fake
                    context:
                      cluster: fake
                current-context: fake
                users: []
                """.formatted(server.getAddress().getPort()));
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        Matcher secret = SECRET.matcher(path);
        if (path.equals("/api/v1")) {
            respond(
                    exchange,
                    200,
                    Map.of(
                            "kind",
                            "APIResourceList",
                            "apiVersion",
                            "v1",
                            "groupVersion",
                            "v1",
                            "resources",
                            List.of(Map.of(
                                    "name",
                                    "secrets",
                                    "singularName",
                                    "secret",
                                    "namespaced",
                                    true,
                                    "kind",
                                    "Secret",
                                    "verbs",
                                    List.of("get", "list")))));
        } else if (secret.matches()) {
            String key = secret.group(1) + "/" + secret.group(2);
            secretRequests.add(key);
            Map<String, String> data = secrets.get(key);
            if (data == null) {
                notFound(exchange);
            } else {
                respond(
                        exchange,
                        200,
                        Map.of(
                                "kind",
                                "Secret",
                                "apiVersion",
                                "v1",
                                "type",
                                "Opaque",
                                "metadata",
                                Map.of("name", secret.group(2), "namespace", secret.group(1)),
                                "data",
                                data));
            }
        } else {
            notFound(exchange);
        }
    }

    private static void notFound(HttpExchange exchange) throws IOException {
        respond(
                exchange,
                404,
                Map.of(
                        "kind",
                        "Status",
                        "apiVersion",
                        "v1",
                        "status",
                        "Failure",
                        "reason",
                        "NotFound",
                        "code",
                        404,
                        "message",
                        "not found"));
    }

    private static void respond(HttpExchange exchange, int status, Object body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        // A fresh connection per request: on a kept-alive one the JDK server's split writes meet delayed ACKs (~40 ms).
        exchange.getResponseHeaders().set("Connection", "close");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
