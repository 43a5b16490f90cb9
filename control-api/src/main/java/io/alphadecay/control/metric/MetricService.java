package io.alphadecay.control.metric;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.github.benmanes.caffeine.cache.Ticker;
import io.alphadecay.api.metric.MetricBatch;
import io.alphadecay.api.metric.MetricPoint;
import io.alphadecay.api.problem.FieldError;
import io.alphadecay.common.web.ApiException;
import io.alphadecay.control.config.AlphadecayProperties;
import io.alphadecay.control.run.RunService;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/** Batched, idempotent metric ingestion and downsampled reads. */
@Service
public class MetricService {

    private final MetricRepository metrics;
    private final RunService runs;
    private final AlphadecayProperties.Limits limits;
    private final AlphadecayProperties.MetricReads reads;
    private final MetricReadCache cache;
    private final TransactionTemplate transactions;
    private final JsonMapper json;

    MetricService(
            MetricRepository metrics,
            RunService runs,
            AlphadecayProperties properties,
            PlatformTransactionManager transactionManager,
            ObjectProvider<MeterRegistry> registry,
            JsonMapper json) {
        this.metrics = metrics;
        this.runs = runs;
        this.json = json;
        this.limits = properties.limits();
        this.reads = properties.metricReads();
        this.cache =
                new MetricReadCache(reads.cacheTtl(), reads.cachePoints(), Ticker.systemTicker(), this::withoutTimes);
        registry.ifAvailable(cache::bindTo);
        this.transactions = new TransactionTemplate(transactionManager);
        this.transactions.setReadOnly(true);
    }

    /** All or nothing: one bad point rejects the batch, naming it. Returns the number of points stored. */
    @Transactional
    public int ingest(UUID runId, List<MetricPoint> points) {
        if (points.size() > limits.maxMetricPoints()) {
            throw ApiException.invalid(
                    "points", "at most " + limits.maxMetricPoints() + " points per batch, got " + points.size());
        }
        List<FieldError> errors = new ArrayList<>();
        Map<String, MetricPoint> unique = new LinkedHashMap<>();
        for (int i = 0; i < points.size(); i++) {
            MetricPoint point = points.get(i);
            if (!Double.isFinite(point.value())) {
                errors.add(new FieldError("points[" + i + "].value", "must be a finite number"));
            }
            // Within one batch the last value for a (name, step) wins, as it would across batches.
            unique.put(point.name() + '\u0000' + point.step(), point);
        }
        if (!errors.isEmpty()) {
            throw ApiException.invalid(errors.size() > 20 ? errors.subList(0, 20) : errors);
        }
        runs.requireExists(runId);
        if (!unique.isEmpty()) {
            metrics.upsert(runId, List.copyOf(unique.values()));
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    cache.written(runId);
                }
            });
        }
        return unique.size();
    }

    /**
     * Each series in the step range, thinned to at most {@code maxPoints} (default: the configured read default)
     * points evenly spread over its steps; a series with no more points than that comes back whole. Only the
     * points sent back are read, so a long series costs the same as a short one; see {@link MetricReadCache}.
     */
    public List<MetricPoint> read(UUID runId, String name, Long fromStep, Long toStep, Integer maxPoints) {
        return cachedRead(runId, name, fromStep, toStep, maxPoints).points();
    }

    /**
     * {@link #read} as the JSON of a {@link MetricBatch}. Without write times (what charts ask for) the answer is
     * written once per cached read and served as it is to every client polling the same series.
     */
    public byte[] readAsJson(UUID runId, String name, Long fromStep, Long toStep, Integer maxPoints, boolean withTime) {
        MetricReadCache.Entry read = cachedRead(runId, name, fromStep, toStep, maxPoints);
        return withTime ? json.writeValueAsBytes(new MetricBatch(read.points())) : read.answer();
    }

    private byte[] withoutTimes(List<MetricPoint> points) {
        return json.writeValueAsBytes(new MetricBatch(points.stream()
                .map(p -> new MetricPoint(p.name(), p.step(), p.value(), null))
                .toList()));
    }

    private MetricReadCache.Entry cachedRead(UUID runId, String name, Long fromStep, Long toStep, Integer maxPoints) {
        long from = fromStep == null ? 0 : fromStep;
        long to = toStep == null ? Long.MAX_VALUE : toStep;
        if (from > to) {
            throw ApiException.invalid("fromStep", "must not exceed toStep");
        }
        int cap = reads.maxPoints();
        int max = maxPoints == null ? Math.min(reads.defaultPoints(), cap) : maxPoints;
        if (max < 2 || max > cap) {
            throw ApiException.invalid("maxPoints", "must be between 2 and " + cap);
        }
        return cache.get(
                new MetricReadCache.Key(runId, name, from, to, max),
                () -> transactions.execute(status -> readThinned(runId, name, from, to, max)));
    }

    private List<MetricPoint> readThinned(UUID runId, String name, long from, long to, int max) {
        runs.requireExists(runId); // runs are never deleted, so a cached series implies its run exists
        List<MetricPoint> result = new ArrayList<>();
        for (String series : name == null ? metrics.names(runId) : List.of(name)) {
            result.addAll(
                    metrics.hasMoreThan(runId, series, from, to, max)
                            ? metrics.thinned(runId, series, from, to, max)
                            : metrics.series(runId, series, from, to));
        }
        result.sort(Comparator.comparingLong(MetricPoint::step).thenComparing(MetricPoint::name));
        return result;
    }
}
