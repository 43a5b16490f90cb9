package io.alphadecay.control.metric;

import java.sql.Array;
import java.util.List;
import java.util.UUID;

import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
class MetricRepository {

    private final JdbcClient jdbc;
    private final JdbcTemplate template;

    MetricRepository(JdbcClient jdbc, JdbcTemplate template) {
        this.jdbc = jdbc;
        this.template = template;
    }

    /**
     * Writes a whole batch in one statement; a point re-sent for the same (run, name, step) replaces the old value,
     * so a retried batch never doubles data. Points must be unique per (name, step) within the batch.
     */
    void upsert(UUID runId, List<MetricPoint> points) {
        String[] names = new String[points.size()];
        Long[] steps = new Long[points.size()];
        Double[] values = new Double[points.size()];
        for (int i = 0; i < points.size(); i++) {
            names[i] = points.get(i).name();
            steps[i] = points.get(i).step();
            values[i] = points.get(i).value();
        }
        template.execute((ConnectionCallback<Integer>) connection -> {
            Array nameArray = connection.createArrayOf("text", names);
            Array stepArray = connection.createArrayOf("int8", steps);
            Array valueArray = connection.createArrayOf("float8", values);
            try (var statement = connection.prepareStatement("INSERT INTO metric_points (run_id, name, step, value) "
                    + "SELECT ?, n, s, v FROM unnest(?::text[], ?::int8[], ?::float8[]) AS t(n, s, v) "
                    + "ON CONFLICT (run_id, name, step) DO UPDATE SET value = excluded.value, recorded_at = now()")) {
                statement.setObject(1, runId);
                statement.setArray(2, nameArray);
                statement.setArray(3, stepArray);
                statement.setArray(4, valueArray);
                return statement.executeUpdate();
            }
            finally {
                nameArray.free();
                stepArray.free();
                valueArray.free();
            }
        });
    }

    /** Points in step order (then name), bounded by {@code limit} rows. */
    List<MetricPoint> read(UUID runId, String name, long fromStep, long toStep, int limit) {
        return jdbc.sql("SELECT name, step, value, recorded_at FROM metric_points WHERE run_id = :run "
                + "AND (CAST(:name AS text) IS NULL OR name = :name) AND step BETWEEN :from AND :to "
                + "ORDER BY step, name LIMIT :limit")
                .param("run", runId).param("name", name).param("from", fromStep).param("to", toStep)
                .param("limit", limit)
                .query((rs, n) -> new MetricPoint(rs.getString("name"), rs.getLong("step"), rs.getDouble("value"),
                        rs.getTimestamp("recorded_at").toInstant()))
                .list();
    }
}
