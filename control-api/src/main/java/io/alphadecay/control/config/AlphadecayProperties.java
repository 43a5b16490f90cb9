package io.alphadecay.control.config;

import java.nio.file.Path;
import java.time.Duration;

import io.alphadecay.common.security.AuthProperties;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Everything an operator can configure, bound from {@code alphadecay.*} (see application.yml for the
 * environment variables behind each key).
 */
@ConfigurationProperties("alphadecay")
public record AlphadecayProperties(
        @DefaultValue("./.alphadecay") Path home,
        @DefaultValue Db db,
        @DefaultValue AuthProperties auth,
        @DefaultValue Leases leases,
        @DefaultValue Limits limits,
        @DefaultValue MetricReads metricReads,
        @DefaultValue Monitoring monitoring) {

    /** An empty url means: run the embedded PostgreSQL under {@code home/pgdata}. */
    public record Db(
            @DefaultValue("") String url,
            @DefaultValue("") String user,
            @DefaultValue("") String password,
            @DefaultValue("0") int embeddedPort,
            @DefaultValue("10") int maxPoolSize) {

        public boolean embedded() {
            return url == null || url.isBlank();
        }
    }

    public record Leases(
            @DefaultValue("60s") Duration ttl,
            @DefaultValue("5s") Duration reaperInterval,
            @DefaultValue("3") int maxAttempts) {}

    public record Limits(
            @DefaultValue("4194304") long maxRequestBytes,
            @DefaultValue("10000") int maxMetricPoints,
            @DefaultValue("500") int maxPageSize) {}

    /**
     * Reads of metric series: points per series when a client does not say (defaultPoints) and at most
     * (maxPoints); thinned series are kept for {@code cacheTtl}, up to {@code cachePoints} points in all, and
     * dropped at once when this instance stores new points of their run (other instances' writes show within
     * the TTL).
     */
    public record MetricReads(
            @DefaultValue("1000") int defaultPoints,
            @DefaultValue("100000") int maxPoints,
            @DefaultValue("2s") Duration cacheTtl,
            @DefaultValue("500000") long cachePoints) {}

    public record Monitoring(@DefaultValue("10s") Duration refreshInterval) {}
}
