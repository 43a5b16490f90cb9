package io.alphadecay.control.monitoring;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import io.alphadecay.api.run.RunState;
import io.alphadecay.control.run.RunService;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The product's own gauges, read from PostgreSQL on a fixed interval. Per-run series exist only for runs that are
 * RUNNING (or stopping), so label cardinality stays bounded by the number of active runs.
 */
@Component
class RunMetricsExporter {

    private static final Logger log = LoggerFactory.getLogger(RunMetricsExporter.class);
    private static final String ACTIVE = "('RUNNING', 'CANCEL_REQUESTED')";

    private final RunService runs;
    private final JdbcClient jdbc;
    private final Map<RunState, AtomicLong> byState = new java.util.EnumMap<>(RunState.class);
    private final MultiGauge trainLoss;
    private final MultiGauge validationPerplexity;
    private final MultiGauge tokensPerSecond;
    private final MultiGauge progress;
    private final MultiGauge moduleAlpha;
    private final MultiGauge moduleWeightDecay;

    RunMetricsExporter(RunService runs, JdbcClient jdbc, MeterRegistry registry) {
        this.runs = runs;
        this.jdbc = jdbc;
        for (RunState state : RunState.values()) {
            AtomicLong count = new AtomicLong();
            byState.put(state, count);
            Gauge.builder("alphadecay_runs", count, AtomicLong::get)
                    .description("Runs by state")
                    .tag("state", state.name())
                    .register(registry);
        }
        trainLoss = MultiGauge.builder("alphadecay_run_train_loss")
                .description("Latest training loss of a running run")
                .register(registry);
        validationPerplexity = MultiGauge.builder("alphadecay_run_validation_perplexity")
                .description("Latest validation perplexity of a running run")
                .register(registry);
        tokensPerSecond = MultiGauge.builder("alphadecay_run_tokens_per_second")
                .description("Latest training throughput of a running run")
                .register(registry);
        progress = MultiGauge.builder("alphadecay_run_progress_ratio")
                .description("Fraction of the steps a running run has done")
                .register(registry);
        moduleAlpha = MultiGauge.builder("alphadecay_module_alpha")
                .description("Latest heavy-tail exponent α of each analysed module of a running run")
                .register(registry);
        moduleWeightDecay = MultiGauge.builder("alphadecay_module_weight_decay")
                .description("Latest weight decay assigned to each analysed module of a running run")
                .register(registry);
    }

    @Scheduled(fixedDelayString = "${alphadecay.monitoring.refresh-interval:10s}", initialDelay = 0)
    void refresh() {
        try {
            runs.countByState().forEach((state, n) -> byState.get(state).set(n));
            trainLoss.register(latestMetric("train_loss"), true);
            validationPerplexity.register(latestMetric("val_perplexity"), true);
            tokensPerSecond.register(latestMetric("tokens_per_second"), true);
            progress.register(progressRows(), true);
            refreshModules();
        } catch (RuntimeException ex) {
            log.warn("Refreshing the run gauges failed; keeping the previous values: {}", ex.getMessage());
        }
    }

    private List<MultiGauge.Row<?>> latestMetric(String name) {
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        jdbc.sql("SELECT DISTINCT ON (r.id) r.id, r.name, p.value FROM runs r "
                        + "JOIN metric_points p ON p.run_id = r.id AND p.name = :metric "
                        + "WHERE r.state IN " + ACTIVE + " ORDER BY r.id, p.step DESC")
                .param("metric", name)
                .query((java.sql.ResultSet rs) -> {
                    rows.add(MultiGauge.Row.of(
                            Tags.of("run", rs.getString("id"), "run_name", rs.getString("name")),
                            rs.getDouble("value")));
                });
        return rows;
    }

    private List<MultiGauge.Row<?>> progressRows() {
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        jdbc.sql("SELECT id, name, step, total_steps FROM runs WHERE state IN " + ACTIVE)
                .query((java.sql.ResultSet rs) -> {
                    long total = rs.getLong("total_steps");
                    rows.add(MultiGauge.Row.of(
                            Tags.of("run", rs.getString("id"), "run_name", rs.getString("name")),
                            total == 0 ? 0 : Math.min(1.0, (double) rs.getLong("step") / total)));
                });
        return rows;
    }

    private void refreshModules() {
        List<MultiGauge.Row<?>> alphas = new ArrayList<>();
        List<MultiGauge.Row<?>> decays = new ArrayList<>();
        jdbc.sql("""
                SELECT r.id, r.name AS run_name, m.layer, m.module_type, m.name, m.alpha, m.weight_decay
                FROM runs r
                JOIN LATERAL (SELECT id FROM analyses a WHERE a.run_id = r.id ORDER BY a.step DESC, a.created_at DESC
                              LIMIT 1) latest ON true
                JOIN analysis_modules m ON m.analysis_id = latest.id
                WHERE r.state IN """ + ACTIVE + " AND m.status = 'ok'").query((java.sql.ResultSet rs) -> {
            int layer = rs.getInt("layer");
            String layerLabel = rs.wasNull() ? "none" : Integer.toString(layer);
            String type = rs.getString("module_type") == null ? "other" : rs.getString("module_type");
            Tags tags = Tags.of(
                    "run",
                    rs.getString("id"),
                    "run_name",
                    rs.getString("run_name"),
                    "layer",
                    layerLabel,
                    "module_type",
                    type,
                    "module",
                    rs.getString("name"));
            alphas.add(MultiGauge.Row.of(tags, rs.getDouble("alpha")));
            double wd = rs.getDouble("weight_decay");
            if (!rs.wasNull()) {
                decays.add(MultiGauge.Row.of(tags, wd));
            }
        });
        moduleAlpha.register(alphas, true);
        moduleWeightDecay.register(decays, true);
    }
}
