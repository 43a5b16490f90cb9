package io.alphadecay.control.run;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import io.alphadecay.api.run.Run;
import io.alphadecay.api.run.RunConfig;
import io.alphadecay.api.run.RunState;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** Runs in PostgreSQL. Every state change is a single guarded statement or happens under a row lock. */
@Repository
class RunRepository {

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};
    private static final String COLUMNS =
            "id, seq, name, config, provenance, state, failure_reason, step, total_steps, "
                    + "tokens_seen, eta_seconds, attempt, lease_owner, lease_expires_at, created_at, updated_at, started_at, finished_at";

    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final RowMapper<StoredRun> mapper;

    RunRepository(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
        this.mapper = this::map;
    }

    /** A run with its position in the stable listing order. */
    record StoredRun(Run run, long seq) {}

    StoredRun insert(
            UUID id, RunConfig config, String configSha256, String idempotencyKey, Map<String, Object> provenance) {
        return jdbc.sql(
                        "INSERT INTO runs (id, name, config, config_sha256, idempotency_key, provenance, state, total_steps) "
                                + "VALUES (:id, :name, :config::jsonb, :sha, :key, :provenance::jsonb, 'QUEUED', :steps) "
                                + "ON CONFLICT (idempotency_key) DO NOTHING RETURNING " + COLUMNS)
                .param("id", id)
                .param("name", config.name())
                .param("config", json.writeValueAsString(config))
                .param("sha", configSha256)
                .param("key", idempotencyKey)
                .param("provenance", json.writeValueAsString(provenance))
                .param("steps", config.steps())
                .query(mapper)
                .optional()
                .orElse(null);
    }

    Optional<StoredRunWithHash> findByIdempotencyKey(String key) {
        return jdbc.sql("SELECT " + COLUMNS + ", config_sha256 FROM runs WHERE idempotency_key = :key")
                .param("key", key)
                .query((rs, n) -> new StoredRunWithHash(map(rs, n), rs.getString("config_sha256")))
                .optional();
    }

    record StoredRunWithHash(StoredRun stored, String configSha256) {}

    Optional<Run> find(UUID id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM runs WHERE id = :id")
                .param("id", id)
                .query(mapper)
                .optional()
                .map(StoredRun::run);
    }

    Optional<Run> lock(UUID id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM runs WHERE id = :id FOR UPDATE")
                .param("id", id)
                .query(mapper)
                .optional()
                .map(StoredRun::run);
    }

    boolean exists(UUID id) {
        return jdbc.sql("SELECT count(*) FROM runs WHERE id = :id")
                        .param("id", id)
                        .query(Long.class)
                        .single()
                > 0;
    }

    /** Newest first; {@code beforeSeq} is the cursor. */
    List<StoredRun> page(RunState state, String name, Long beforeSeq, int limit) {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM runs WHERE true");
        var params = new java.util.HashMap<String, Object>();
        if (state != null) {
            sql.append(" AND state = :state");
            params.put("state", state.name());
        }
        if (name != null) {
            sql.append(" AND name = :name");
            params.put("name", name);
        }
        if (beforeSeq != null) {
            sql.append(" AND seq < :before");
            params.put("before", beforeSeq);
        }
        sql.append(" ORDER BY seq DESC LIMIT :limit");
        params.put("limit", limit);
        return jdbc.sql(sql.toString()).params(params).query(mapper).list();
    }

    /** Takes the oldest queued run; SKIP LOCKED lets racing workers each get a different one. */
    Optional<Run> claimOldestQueued(String workerId, Duration ttl, Map<String, String> provenance) {
        return jdbc.sql("UPDATE runs SET state = 'RUNNING', lease_owner = :worker, "
                        + "lease_expires_at = now() + make_interval(secs => :ttl), started_at = coalesce(started_at, now()), "
                        + "updated_at = now(), provenance = provenance || :provenance::jsonb "
                        + "WHERE id = (SELECT id FROM runs WHERE state = 'QUEUED' ORDER BY seq FOR UPDATE SKIP LOCKED LIMIT 1) "
                        + "RETURNING " + COLUMNS)
                .param("worker", workerId)
                .param("ttl", ttl.toMillis() / 1000.0)
                .param("provenance", json.writeValueAsString(provenance == null ? Map.of() : provenance))
                .query(mapper)
                .optional()
                .map(StoredRun::run);
    }

    void renewLease(UUID id, Duration ttl, Long step, Long tokensSeen, Double etaSeconds) {
        jdbc.sql(
                        "UPDATE runs SET lease_expires_at = now() + make_interval(secs => :ttl), step = coalesce(:step, step), "
                                + "tokens_seen = coalesce(:tokens, tokens_seen), eta_seconds = coalesce(:eta, eta_seconds), "
                                + "updated_at = now() WHERE id = :id")
                .param("ttl", ttl.toMillis() / 1000.0)
                .param("step", step)
                .param("tokens", tokensSeen)
                .param("eta", etaSeconds)
                .param("id", id)
                .update();
    }

    void changeState(UUID id, RunState state, String failureReason, Long step) {
        jdbc.sql("UPDATE runs SET state = :state, failure_reason = coalesce(:reason, failure_reason), "
                        + "step = coalesce(:step, step), updated_at = now(), "
                        + "finished_at = CASE WHEN :terminal THEN now() ELSE finished_at END, "
                        + "eta_seconds = CASE WHEN :terminal THEN NULL ELSE eta_seconds END, "
                        + "lease_owner = CASE WHEN :terminal THEN NULL ELSE lease_owner END, "
                        + "lease_expires_at = CASE WHEN :terminal THEN NULL ELSE lease_expires_at END WHERE id = :id")
                .param("state", state.name())
                .param("reason", failureReason)
                .param("step", step)
                .param("terminal", state.terminal())
                .param("id", id)
                .update();
    }

    /**
     * Returns runs whose lease expired: a running one to the queue (or to FAILED after the last attempt), one whose
     * cancel was requested to CANCELLED, writing one event each in the same statement.
     */
    int reapExpiredLeases(int maxAttempts) {
        return jdbc.sql("""
                WITH reaped AS (
                    UPDATE runs SET
                        state = CASE WHEN state = 'CANCEL_REQUESTED' THEN 'CANCELLED'
                                     WHEN attempt >= :max THEN 'FAILED' ELSE 'QUEUED' END,
                        failure_reason = CASE WHEN state = 'RUNNING' AND attempt >= :max
                            THEN 'The worker stopped renewing its lease on attempt ' || attempt || ' of ' || :max
                            ELSE failure_reason END,
                        attempt = CASE WHEN state = 'RUNNING' AND attempt < :max THEN attempt + 1 ELSE attempt END,
                        finished_at = CASE WHEN state = 'CANCEL_REQUESTED' OR attempt >= :max THEN now() ELSE NULL END,
                        lease_owner = NULL, lease_expires_at = NULL, eta_seconds = NULL, updated_at = now()
                    WHERE state IN ('RUNNING', 'CANCEL_REQUESTED') AND lease_expires_at < now()
                    RETURNING id, state, attempt)
                INSERT INTO run_events (run_id, type, message, data)
                SELECT id, 'lease-expired',
                       CASE state WHEN 'QUEUED' THEN 'Lease expired; run queued again for attempt ' || attempt
                                  WHEN 'CANCELLED' THEN 'Lease expired while cancelling; run cancelled'
                                  ELSE 'Lease expired on the last attempt; run failed' END,
                       jsonb_build_object('state', state, 'attempt', attempt)
                FROM reaped""").param("max", maxAttempts).update();
    }

    Map<RunState, Long> countByState() {
        var counts = new java.util.EnumMap<RunState, Long>(RunState.class);
        for (RunState state : RunState.values()) {
            counts.put(state, 0L);
        }
        jdbc.sql("SELECT state, count(*) AS n FROM runs GROUP BY state").query((ResultSet rs) -> {
            counts.put(RunState.valueOf(rs.getString("state")), rs.getLong("n"));
        });
        return counts;
    }

    private StoredRun map(ResultSet rs, int rowNum) throws SQLException {
        long step = rs.getLong("step");
        long total = rs.getLong("total_steps");
        double eta = rs.getDouble("eta_seconds");
        Double etaSeconds = rs.wasNull() ? null : eta;
        String owner = rs.getString("lease_owner");
        Run run = new Run(
                rs.getObject("id", UUID.class),
                rs.getString("name"),
                RunState.valueOf(rs.getString("state")),
                json.readValue(rs.getString("config"), RunConfig.class),
                json.readValue(rs.getString("provenance"), MAP),
                new Run.Progress(
                        step,
                        total,
                        rs.getLong("tokens_seen"),
                        etaSeconds,
                        total == 0 ? 0 : Math.min(1.0, (double) step / total)),
                rs.getInt("attempt"),
                owner == null ? null : new Run.Lease(owner, instant(rs, "lease_expires_at")),
                rs.getString("failure_reason"),
                instant(rs, "created_at"),
                instant(rs, "updated_at"),
                instant(rs, "started_at"),
                instant(rs, "finished_at"));
        return new StoredRun(run, rs.getLong("seq"));
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp ts = rs.getTimestamp(column);
        return ts == null ? null : ts.toInstant();
    }
}
