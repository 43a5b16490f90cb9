package io.alphadecay.esd.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

import io.alphadecay.api.model.LlamaModules;
import io.alphadecay.common.security.AuthProperties;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** The esd-service's settings, bound from {@code alphadecay.*}; application.yml names the environment variables. */
@ConfigurationProperties("alphadecay")
public record EsdProperties(
        @DefaultValue("./.alphadecay") Path home,
        @DefaultValue AuthProperties auth,
        @DefaultValue("http://localhost:8080") URI controlApiUrl,
        @DefaultValue Analysis analysis,
        @DefaultValue Report report) {

    /**
     * {@code workers} 0 means one per core. {@code include}/{@code exclude} are regular expressions over parameter
     * names; the defaults select the paper's modules: every block projection except the first block's q_proj.
     */
    public record Analysis(
            @DefaultValue("0") int workers,
            @DefaultValue("2") int maxConcurrent,
            @DefaultValue("1s") Duration retryAfter,
            @DefaultValue("34359738368") long maxCheckpointBytes,
            @DefaultValue("104857600") int maxHeaderBytes,
            @DefaultValue("50") int minEigenvalues,
            @DefaultValue(LlamaModules.PROJECTIONS) String include,
            @DefaultValue(LlamaModules.EXCLUDED) String exclude) {

        public int effectiveWorkers() {
            return workers > 0 ? workers : Runtime.getRuntime().availableProcessors();
        }
    }

    public record Report(
            @DefaultValue("3") int attempts,
            @DefaultValue("200ms") Duration initialBackoff,
            @DefaultValue("10s") Duration timeout) {}
}
