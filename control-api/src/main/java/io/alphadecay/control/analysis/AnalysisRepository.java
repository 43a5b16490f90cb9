package io.alphadecay.control.analysis;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import io.alphadecay.api.analysis.Analysis;
import io.alphadecay.api.analysis.ModuleAnalysis;
import io.alphadecay.api.analysis.NewAnalysis;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
class AnalysisRepository {

    private static final String SUMMARY = "SELECT a.id, a.run_id, a.step, a.estimator, a.policy, a.wd0, a.s1, a.s2, "
            + "a.duration_ms, a.created_at, count(m.name) AS modules, count(m.name) FILTER (WHERE m.status = 'ok') AS ok, "
            + "min(m.alpha) FILTER (WHERE m.status = 'ok') AS alpha_min, max(m.alpha) FILTER (WHERE m.status = 'ok') AS alpha_max, "
            + "avg(m.alpha) FILTER (WHERE m.status = 'ok') AS alpha_mean "
            + "FROM analyses a LEFT JOIN analysis_modules m ON m.analysis_id = a.id ";
    private static final String GROUP = " GROUP BY a.id";
    /** Block by block, in the order the projections run: q, k, v, o, then gate, up, down. */
    private static final String MODULE_ORDER = "layer NULLS LAST, "
            + "array_position(ARRAY['q', 'k', 'v', 'o', 'gate', 'up', 'down'], module_type) NULLS LAST, name";

    private final JdbcClient jdbc;
    private final JdbcTemplate template;

    AnalysisRepository(JdbcClient jdbc, JdbcTemplate template) {
        this.jdbc = jdbc;
        this.template = template;
    }

    /** Re-posting the same (run, step, estimator), as a retrying esd-service does, replaces the earlier result. */
    long save(UUID runId, NewAnalysis analysis) {
        long id = jdbc.sql(
                        "INSERT INTO analyses (run_id, step, estimator, policy, wd0, s1, s2, duration_ms) "
                                + "VALUES (:run, :step, :estimator, :policy, :wd0, :s1, :s2, :duration) "
                                + "ON CONFLICT (run_id, step, estimator) DO UPDATE SET policy = excluded.policy, wd0 = excluded.wd0, "
                                + "s1 = excluded.s1, s2 = excluded.s2, duration_ms = excluded.duration_ms, created_at = now() RETURNING id")
                .param("run", runId)
                .param("step", analysis.step())
                .param("estimator", analysis.estimator())
                .param("policy", analysis.policy())
                .param("wd0", analysis.wd0())
                .param("s1", analysis.s1())
                .param("s2", analysis.s2())
                .param("duration", analysis.durationMs())
                .query(Long.class)
                .single();
        jdbc.sql("DELETE FROM analysis_modules WHERE analysis_id = :id")
                .param("id", id)
                .update();
        template.batchUpdate(
                "INSERT INTO analysis_modules (analysis_id, name, layer, module_type, rows, cols, num_eigs, "
                        + "alpha, x_min, ks_distance, lambda_max, stable_rank, log_spectral_norm, alpha_weighted, status, "
                        + "weight_decay) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                analysis.modules(),
                500,
                (ps, m) -> {
                    Object[] values = {
                        id,
                        m.name(),
                        m.layer(),
                        m.type(),
                        m.rows(),
                        m.cols(),
                        m.numEigs(),
                        m.alpha(),
                        m.xmin(),
                        m.ksDistance(),
                        m.lambdaMax(),
                        m.stableRank(),
                        m.logSpectralNorm(),
                        m.alphaWeighted(),
                        m.status(),
                        m.weightDecay()
                    };
                    for (int i = 0; i < values.length; i++) {
                        ps.setObject(i + 1, values[i]);
                    }
                });
        jdbc.sql("UPDATE checkpoints SET state = 'ANALYZED' WHERE run_id = :run AND step = :step")
                .param("run", runId)
                .param("step", analysis.step())
                .update();
        return id;
    }

    List<Analysis> list(UUID runId) {
        return jdbc.sql(SUMMARY + "WHERE a.run_id = :run" + GROUP + " ORDER BY a.step, a.id")
                .param("run", runId)
                .query(AnalysisRepository::summary)
                .list();
    }

    Optional<Analysis> find(long id) {
        return jdbc.sql(SUMMARY + "WHERE a.id = :id" + GROUP)
                .param("id", id)
                .query(AnalysisRepository::summary)
                .optional();
    }

    Optional<Long> latestId(UUID runId) {
        return jdbc.sql("SELECT id FROM analyses WHERE run_id = :run ORDER BY step DESC, created_at DESC LIMIT 1")
                .param("run", runId)
                .query(Long.class)
                .optional();
    }

    List<ModuleAnalysis> modules(long analysisId) {
        return jdbc.sql("SELECT * FROM analysis_modules WHERE analysis_id = :id ORDER BY " + MODULE_ORDER)
                .param("id", analysisId)
                .query(AnalysisRepository::module)
                .list();
    }

    /** Modules of many analyses at once, keyed by analysis id, for the full history of a run. */
    Map<Long, List<ModuleAnalysis>> modulesOfRun(UUID runId) {
        var byAnalysis = new java.util.LinkedHashMap<Long, List<ModuleAnalysis>>();
        jdbc.sql("SELECT m.* FROM analysis_modules m JOIN analyses a ON a.id = m.analysis_id WHERE a.run_id = :run "
                        + "ORDER BY m.analysis_id, " + MODULE_ORDER)
                .param("run", runId)
                .query((ResultSet rs) -> {
                    byAnalysis
                            .computeIfAbsent(rs.getLong("analysis_id"), k -> new java.util.ArrayList<>())
                            .add(module(rs, 0));
                });
        return byAnalysis;
    }

    Map<String, Double> overrides(UUID runId) {
        var overrides = new java.util.TreeMap<String, Double>();
        jdbc.sql("SELECT module_name, weight_decay FROM decay_overrides WHERE run_id = :run")
                .param("run", runId)
                .query((ResultSet rs) -> {
                    overrides.put(rs.getString("module_name"), rs.getDouble("weight_decay"));
                });
        return overrides;
    }

    void replaceOverrides(UUID runId, Map<String, Double> overrides) {
        jdbc.sql("DELETE FROM decay_overrides WHERE run_id = :run")
                .param("run", runId)
                .update();
        template.batchUpdate(
                "INSERT INTO decay_overrides (run_id, module_name, weight_decay) VALUES (?, ?, ?)",
                List.copyOf(overrides.entrySet()),
                500,
                (ps, e) -> {
                    ps.setObject(1, runId);
                    ps.setString(2, e.getKey());
                    ps.setDouble(3, e.getValue());
                });
    }

    private static Analysis summary(ResultSet rs, int rowNum) throws SQLException {
        return new Analysis(
                rs.getLong("id"),
                rs.getObject("run_id", UUID.class),
                rs.getLong("step"),
                rs.getString("estimator"),
                rs.getString("policy"),
                rs.getDouble("wd0"),
                rs.getDouble("s1"),
                rs.getDouble("s2"),
                nullableDouble(rs, "duration_ms"),
                rs.getTimestamp("created_at").toInstant(),
                new Analysis.Summary(
                        rs.getInt("modules"),
                        rs.getInt("ok"),
                        nullableDouble(rs, "alpha_min"),
                        nullableDouble(rs, "alpha_max"),
                        nullableDouble(rs, "alpha_mean")),
                null);
    }

    private static ModuleAnalysis module(ResultSet rs, int rowNum) throws SQLException {
        int layer = rs.getInt("layer");
        Integer nullableLayer = rs.wasNull() ? null : layer;
        return new ModuleAnalysis(
                rs.getString("name"),
                nullableLayer,
                rs.getString("module_type"),
                rs.getInt("rows"),
                rs.getInt("cols"),
                rs.getInt("num_eigs"),
                nullableDouble(rs, "alpha"),
                nullableDouble(rs, "x_min"),
                nullableDouble(rs, "ks_distance"),
                nullableDouble(rs, "lambda_max"),
                nullableDouble(rs, "stable_rank"),
                nullableDouble(rs, "log_spectral_norm"),
                nullableDouble(rs, "alpha_weighted"),
                rs.getString("status"),
                nullableDouble(rs, "weight_decay"));
    }

    private static Double nullableDouble(ResultSet rs, String column) throws SQLException {
        double value = rs.getDouble(column);
        return rs.wasNull() ? null : value;
    }
}
