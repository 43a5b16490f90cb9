package io.alphadecay.esd.report;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;

import io.alphadecay.common.security.Tokens;
import io.alphadecay.esd.config.EsdProperties;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Posts analyses to the control-api with the service token, retrying transport failures and 5xx answers with
 * exponential backoff. A failure never fails the analysis: the caller still gets its result, and the failure is
 * logged and counted.
 */
@Component
public class ControlApiReporter {

    private static final Logger log = LoggerFactory.getLogger(ControlApiReporter.class);

    private final HttpClient client;
    private final URI base;
    private final String token;
    private final EsdProperties.Report settings;
    private final JsonMapper json;
    private final MeterRegistry registry;

    ControlApiReporter(EsdProperties properties, Tokens tokens, JsonMapper json, MeterRegistry registry) {
        this.settings = properties.report();
        this.client = HttpClient.newBuilder().connectTimeout(settings.timeout()).build();
        this.base = properties.controlApiUrl();
        this.token = tokens.serviceToken();
        this.json = json;
        this.registry = registry;
    }

    /** The body the control-api takes at {@code POST /api/v1/runs/{id}/analyses}. */
    public record Payload(long step, String estimator, String policy, double wd0, double s1, double s2,
            double durationMs, List<?> modules) {
    }

    public ReportOutcome report(String runId, Payload payload) {
        URI uri = base.resolve("/api/v1/runs/" + URLEncoder.encode(runId, StandardCharsets.UTF_8) + "/analyses");
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(settings.timeout())
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(payload))).build();
        long backoff = settings.initialBackoff().toMillis();
        String last = "not attempted";
        for (int attempt = 1; attempt <= settings.attempts(); attempt++) {
            try {
                HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                int status = response.statusCode();
                if (status / 100 == 2) {
                    return new ReportOutcome("reported", attempt, "stored by the control-api");
                }
                last = "the control-api answered " + status;
                if (status / 100 == 4 && status != 429) {
                    // The control-api refused this analysis; sending it again would not change that.
                    return failed("rejected", attempt, last + ": " + abbreviate(response.body()), runId);
                }
            }
            catch (IOException ex) {
                last = "the control-api is unreachable (" + ex.getClass().getSimpleName() + ")";
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                return failed("interrupted", attempt, "interrupted while reporting", runId);
            }
            if (attempt < settings.attempts()) {
                try {
                    Thread.sleep(backoff);
                }
                catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                    return failed("interrupted", attempt, "interrupted while reporting", runId);
                }
                backoff *= 2;
            }
        }
        return failed("unreachable", settings.attempts(), last, runId);
    }

    private ReportOutcome failed(String kind, int attempts, String detail, String runId) {
        registry.counter("alphadecay.esd.report.failures", "kind", kind).increment();
        log.warn("Could not report the analysis of run {} to the control-api after {} attempt(s): {}", runId, attempts,
                detail);
        return new ReportOutcome("failed", attempts, detail);
    }

    private static String abbreviate(String body) {
        return body == null ? "" : body.length() > 300 ? body.substring(0, 300) + "…" : body;
    }
}
