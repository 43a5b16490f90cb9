package io.alphadecay.esd.report;

import io.alphadecay.api.analysis.AnalysisResult;
import io.alphadecay.api.analysis.NewAnalysis;
import io.alphadecay.api.analysis.ReportOutcome;
import io.alphadecay.api.client.ApiCallException;
import io.alphadecay.api.client.ControlApiClient;
import io.alphadecay.api.client.Refused;
import io.alphadecay.api.client.RetryPolicy;
import io.alphadecay.common.security.Tokens;
import io.alphadecay.esd.config.EsdProperties;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Posts analyses to the control-api with the service token, retrying an unreachable, failing or busy control-api
 * with exponential backoff. A failure never fails the analysis: the caller still gets its result, and the failure is
 * logged and counted.
 */
@Component
public class ControlApiReporter {

    private static final Logger log = LoggerFactory.getLogger(ControlApiReporter.class);

    /** Retries of the report being sent on this thread: the listener runs on the caller's thread. */
    private final ThreadLocal<int[]> retries = ThreadLocal.withInitial(() -> new int[1]);

    private final ControlApiClient client;
    private final int attempts;
    private final MeterRegistry registry;

    ControlApiReporter(EsdProperties properties, Tokens tokens, MeterRegistry registry) {
        EsdProperties.Report settings = properties.report();
        this.attempts = settings.attempts();
        this.client = ControlApiClient.builder(properties.controlApiUrl(), tokens.serviceToken())
                .optConnectTimeout(settings.timeout())
                .optRequestTimeout(settings.timeout())
                .optRetry(RetryPolicy.attempts(settings.attempts(), settings.initialBackoff()))
                .optRetryListener((call, failed, pause, cause) -> retries.get()[0] = failed)
                .build();
        this.registry = registry;
    }

    /** Reports an analysis that names its run and step. */
    public ReportOutcome report(AnalysisResult result) {
        retries.get()[0] = 0;
        NewAnalysis analysis = new NewAnalysis(
                result.step(),
                result.estimator(),
                result.policy(),
                result.wd0(),
                result.s1(),
                result.s2(),
                result.timings().totalMs(),
                result.modules());
        try {
            client.reportAnalysis(result.runId(), analysis);
            return new ReportOutcome("reported", retries.get()[0] + 1, "stored by the control-api");
        } catch (Refused ex) {
            // The control-api refused this analysis; sending it again would not change that.
            return failed("rejected", retries.get()[0] + 1, ex.getMessage(), result.runId());
        } catch (ApiCallException ex) { // unavailable, after every attempt
            if (Thread.currentThread().isInterrupted()) {
                return failed("interrupted", retries.get()[0] + 1, "interrupted while reporting", result.runId());
            }
            return failed("unreachable", attempts, ex.getMessage(), result.runId());
        }
    }

    private ReportOutcome failed(String kind, int attempts, String detail, String runId) {
        registry.counter("alphadecay.esd.report.failures", "kind", kind).increment();
        log.warn(
                "Could not report the analysis of run {} to the control-api after {} attempt(s): {}",
                runId,
                attempts,
                detail);
        return new ReportOutcome("failed", attempts, detail);
    }
}
