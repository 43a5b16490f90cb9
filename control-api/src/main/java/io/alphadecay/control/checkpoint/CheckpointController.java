package io.alphadecay.control.checkpoint;

import java.net.URI;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.UUID;

import io.alphadecay.api.checkpoint.Checkpoint;
import io.alphadecay.api.checkpoint.CheckpointList;
import io.alphadecay.api.checkpoint.NewCheckpoint;
import io.alphadecay.control.run.RunService;
import jakarta.validation.Valid;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/v1/runs/{id}/checkpoints")
class CheckpointController {

    private static final String COLUMNS = "id, run_id, step, uri, bytes, sha256, state, created_at";

    private final JdbcClient jdbc;
    private final RunService runs;

    CheckpointController(JdbcClient jdbc, RunService runs) {
        this.jdbc = jdbc;
        this.runs = runs;
    }

    private static Checkpoint map(ResultSet rs, int rowNum) throws SQLException {
        return new Checkpoint(
                rs.getLong("id"),
                rs.getObject("run_id", UUID.class),
                rs.getLong("step"),
                rs.getString("uri"),
                rs.getLong("bytes"),
                rs.getString("sha256"),
                rs.getString("state"),
                rs.getTimestamp("created_at").toInstant());
    }

    /** Registering the same step again (a retried call) replaces the record instead of failing. */
    @PostMapping
    ResponseEntity<Checkpoint> register(@PathVariable UUID id, @Valid @RequestBody NewCheckpoint body) {
        runs.requireExists(id);
        Checkpoint saved = jdbc.sql("INSERT INTO checkpoints (run_id, step, uri, bytes, sha256, state) "
                        + "VALUES (:run, :step, :uri, :bytes, :sha, CASE WHEN EXISTS (SELECT 1 FROM analyses a "
                        + "WHERE a.run_id = :run AND a.step = :step) THEN 'ANALYZED' ELSE 'COMMITTED' END) "
                        + "ON CONFLICT (run_id, step) DO UPDATE SET uri = excluded.uri, bytes = excluded.bytes, "
                        + "sha256 = excluded.sha256 RETURNING " + COLUMNS)
                .param("run", id)
                .param("step", body.step())
                .param("uri", body.uri())
                .param("bytes", body.bytes())
                .param("sha", body.sha256())
                .query(CheckpointController::map)
                .single();
        return ResponseEntity.created(URI.create("/api/v1/runs/" + id + "/checkpoints"))
                .body(saved);
    }

    @GetMapping
    CheckpointList list(@PathVariable UUID id) {
        runs.requireExists(id);
        return new CheckpointList(jdbc.sql("SELECT " + COLUMNS + " FROM checkpoints WHERE run_id = :run ORDER BY step")
                .param("run", id)
                .query(CheckpointController::map)
                .list());
    }
}
