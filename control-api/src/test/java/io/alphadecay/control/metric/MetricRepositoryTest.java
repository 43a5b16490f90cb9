package io.alphadecay.control.metric;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.UUID;

import io.alphadecay.control.support.TestDatabase;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.jdbc.test.autoconfigure.AutoConfigureTestDatabase;
import org.springframework.boot.jdbc.test.autoconfigure.JdbcTest;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The upsert statement on its own, against the real schema applied by Flyway. */
@JdbcTest
@AutoConfigureTestDatabase(replace = AutoConfigureTestDatabase.Replace.NONE)
@Import(MetricRepository.class)
class MetricRepositoryTest {

    @Autowired
    MetricRepository metrics;

    @Autowired
    JdbcClient jdbc;

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        TestDatabase.Connection db = TestDatabase.get();
        registry.add("spring.datasource.url", db::url);
        registry.add("spring.datasource.username", db::user);
        registry.add("spring.datasource.password", db::password);
    }

    @Test
    void upsertReplacesValuesOfTheSameStepAndKeepsOthers() {
        UUID run = UUID.randomUUID();
        jdbc.sql("INSERT INTO runs (id, name, config, config_sha256, state, total_steps) "
                + "VALUES (:id, 'slice', '{}'::jsonb, 'x', 'QUEUED', 10)").param("id", run).update();

        metrics.upsert(run, List.of(new MetricPoint("train_loss", 1L, 3.0, null), new MetricPoint("train_loss", 2L, 2.5, null)));
        metrics.upsert(run, List.of(new MetricPoint("train_loss", 2L, 2.25, null), new MetricPoint("val_loss", 2L, 2.75, null)));

        List<MetricPoint> points = metrics.read(run, null, 0, Long.MAX_VALUE, 100);
        assertThat(points).extracting(MetricPoint::name, MetricPoint::step, MetricPoint::value)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("train_loss", 1L, 3.0),
                        org.assertj.core.groups.Tuple.tuple("train_loss", 2L, 2.25),
                        org.assertj.core.groups.Tuple.tuple("val_loss", 2L, 2.75));
        assertThat(metrics.read(run, "val_loss", 0, 1, 100)).isEmpty();
    }
}
