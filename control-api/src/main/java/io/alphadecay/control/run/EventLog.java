package io.alphadecay.control.run;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.alphadecay.api.run.RunEvent;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** The append-only event log of every run (the database refuses updates and deletes). */
@Repository
public class EventLog {

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

    private final JdbcClient jdbc;
    private final JsonMapper json;

    EventLog(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    public RunEvent append(UUID runId, String type, String message, Map<String, Object> data) {
        return jdbc.sql(
                        "INSERT INTO run_events (run_id, type, message, data) VALUES (:run, :type, :message, :data::jsonb) "
                                + "RETURNING id, run_id, type, message, data, created_at")
                .param("run", runId)
                .param("type", type)
                .param("message", message)
                .param("data", json.writeValueAsString(data == null ? Map.of() : data))
                .query(this::map)
                .single();
    }

    private RunEvent map(ResultSet rs, int rowNum) throws SQLException {
        return new RunEvent(
                rs.getLong("id"),
                rs.getObject("run_id", UUID.class),
                rs.getString("type"),
                rs.getString("message"),
                json.readValue(rs.getString("data"), MAP),
                RunRepository.instant(rs, "created_at"));
    }

    public List<RunEvent> list(UUID runId, long afterId, int limit) {
        return jdbc.sql("SELECT id, run_id, type, message, data, created_at FROM run_events "
                        + "WHERE run_id = :run AND id > :after ORDER BY id LIMIT :limit")
                .param("run", runId)
                .param("after", afterId)
                .param("limit", limit)
                .query(this::map)
                .list();
    }
}
