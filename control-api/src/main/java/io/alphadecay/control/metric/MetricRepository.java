package io.alphadecay.control.metric;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;

import io.alphadecay.api.metric.MetricPoint;
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
            } finally {
                nameArray.free();
                stepArray.free();
                valueArray.free();
            }
        });
    }

    private static final String COLUMNS = "name, step, value, recorded_at";

    /** The run's series names, by a skip scan of the primary key: one index probe per name, not a row scan. */
    List<String> names(UUID runId) {
        return jdbc.sql("WITH RECURSIVE names(name) AS ("
                        + "(SELECT name FROM metric_points WHERE run_id = :run ORDER BY name LIMIT 1) "
                        + "UNION ALL SELECT (SELECT m.name FROM metric_points m WHERE m.run_id = :run AND m.name > n.name "
                        + "ORDER BY m.name LIMIT 1) FROM names n WHERE n.name IS NOT NULL) "
                        + "SELECT name FROM names WHERE name IS NOT NULL")
                .param("run", runId)
                .query(String.class)
                .list();
    }

    /** Whether the series has more than {@code count} points in the range, reading no more than that many keys. */
    boolean hasMoreThan(UUID runId, String name, long fromStep, long toStep, int count) {
        return jdbc.sql("SELECT step FROM metric_points WHERE run_id = :run AND name = :name "
                        + "AND step BETWEEN :from AND :to ORDER BY step OFFSET :count LIMIT 1")
                .param("run", runId)
                .param("name", name)
                .param("from", fromStep)
                .param("to", toStep)
                .param("count", count)
                .query(Long.class)
                .optional()
                .isPresent();
    }

    /** Every point of one series in the range, in step order. */
    List<MetricPoint> series(UUID runId, String name, long fromStep, long toStep) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM metric_points WHERE run_id = :run AND name = :name "
                        + "AND step BETWEEN :from AND :to ORDER BY step")
                .param("run", runId)
                .param("name", name)
                .param("from", fromStep)
                .param("to", toStep)
                .query(MetricRepository::point)
                .list();
    }

    /**
     * At most {@code count} points of one series, spread evenly over its steps in the range: for each of
     * {@code count} target steps from the first to the last step present, the first point at or after it. Costs
     * {@code count} index probes however long the series is; the first and the last point always come back.
     */
    List<MetricPoint> thinned(UUID runId, String name, long fromStep, long toStep, int count) {
        return jdbc.sql("WITH bounds AS (SELECT "
                        + "(SELECT step FROM metric_points WHERE run_id = :run AND name = :name AND step >= :from "
                        + "ORDER BY step LIMIT 1) AS lo, "
                        + "(SELECT step FROM metric_points WHERE run_id = :run AND name = :name AND step <= :to "
                        + "ORDER BY step DESC LIMIT 1) AS hi) "
                        + "SELECT DISTINCT ON (p.step) p.name, p.step, p.value, p.recorded_at "
                        + "FROM bounds, generate_series(0, :count - 1) AS k CROSS JOIN LATERAL ("
                        + "SELECT " + COLUMNS + " FROM metric_points WHERE run_id = :run AND name = :name "
                        // numeric: k * (hi - lo) may not fit in a bigint
                        + "AND step >= bounds.lo + floor(k * (bounds.hi - bounds.lo)::numeric / (:count - 1))::int8 "
                        + "AND step <= bounds.hi ORDER BY step LIMIT 1) p "
                        + "WHERE bounds.lo <= bounds.hi ORDER BY p.step")
                .param("run", runId)
                .param("name", name)
                .param("from", fromStep)
                .param("to", toStep)
                .param("count", count)
                .query(MetricRepository::point)
                .list();
    }

    private static MetricPoint point(ResultSet rs, int row) throws SQLException {
        return new MetricPoint(
                rs.getString("name"),
                rs.getLong("step"),
                rs.getDouble("value"),
                rs.getTimestamp("recorded_at").toInstant());
    }
}
