package io.alphadecay.trainer.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

import io.alphadecay.common.security.AuthProperties;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** The trainer's settings, bound from {@code alphadecay.*}; application.yml names the environment variables. */
@ConfigurationProperties("alphadecay")
public record TrainerProperties(
        @DefaultValue("./.alphadecay") Path home,
        @DefaultValue AuthProperties auth,
        @DefaultValue("http://localhost:8080") URI controlApiUrl,
        @DefaultValue("http://localhost:8081") URI esdUrl,
        @DefaultValue Worker worker) {

    /**
     * {@code id} empty means host name and process id. {@code slots} is the number of runs trained at once (one per
     * device). {@code checkpointDir} empty means {@code home/checkpoints}.
     */
    public record Worker(
            @DefaultValue("") String id,
            @DefaultValue("1") int slots,
            @DefaultValue("true") boolean enabled,
            @DefaultValue("2s") Duration pollInterval,
            @DefaultValue("10s") Duration heartbeatInterval,
            @DefaultValue("5s") Duration metricFlushInterval,
            @DefaultValue("200000") int metricBufferLimit,
            @DefaultValue("auto") String device,
            @DefaultValue("") String checkpointDir) {

        public Path checkpoints(Path home) {
            return checkpointDir.isBlank() ? home.resolve("checkpoints") : Path.of(checkpointDir);
        }
    }
}
