package io.alphadecay.control.metric;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.util.List;
import java.util.UUID;
import java.util.stream.LongStream;

import io.alphadecay.api.metric.MetricPoint;
import io.alphadecay.control.support.TestDatabase;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.jdbc.test.autoconfigure.AutoConfigureTestDatabase;
import org.springframework.boot.jdbc.test.autoconfigure.JdbcTest;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The upsert and read statements on their own, against the real schema applied by Flyway. */
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
        UUID run = newRun();

        metrics.upsert(
                run,
                List.of(new MetricPoint("train_loss", 1L, 3.0, null), new MetricPoint("train_loss", 2L, 2.5, null)));
        metrics.upsert(
                run,
                List.of(new MetricPoint("train_loss", 2L, 2.25, null), new MetricPoint("val_loss", 2L, 2.75, null)));

        assertThat(metrics.names(run)).containsExactly("train_loss", "val_loss");
        assertThat(metrics.series(run, "train_loss", 0, Long.MAX_VALUE))
                .extracting(MetricPoint::name, MetricPoint::step, MetricPoint::value)
                .containsExactly(tuple("train_loss", 1L, 3.0), tuple("train_loss", 2L, 2.25));
        assertThat(metrics.series(run, "val_loss", 0, Long.MAX_VALUE))
                .extracting(MetricPoint::value)
                .containsExactly(2.75);
        assertThat(metrics.series(run, "val_loss", 0, 1)).isEmpty();
        assertThat(metrics.names(newRun())).isEmpty();
    }

    @Test
    void countsOnlyTheRange() {
        UUID run = newRun();
        metrics.upsert(run, points("loss", LongStream.range(0, 100)));

        assertThat(metrics.hasMoreThan(run, "loss", 0, Long.MAX_VALUE, 99)).isTrue();
        assertThat(metrics.hasMoreThan(run, "loss", 0, Long.MAX_VALUE, 100)).isFalse();
        assertThat(metrics.hasMoreThan(run, "loss", 10, 19, 9)).isTrue();
        assertThat(metrics.hasMoreThan(run, "loss", 10, 19, 10)).isFalse();
        assertThat(metrics.hasMoreThan(run, "other", 0, Long.MAX_VALUE, 2)).isFalse();
    }

    @Test
    void thinsADenseSeriesToEvenlySpacedStepsWithBothEnds() {
        UUID run = newRun();
        metrics.upsert(run, points("loss", LongStream.range(0, 10_000)));

        List<MetricPoint> kept = metrics.thinned(run, "loss", 0, Long.MAX_VALUE, 100);
        assertThat(kept).hasSize(100);
        assertThat(kept.get(0).step()).isZero();
        assertThat(kept.get(99).step()).isEqualTo(9_999);
        for (int i = 1; i < kept.size(); i++) {
            assertThat(kept.get(i).step() - kept.get(i - 1).step()).isBetween(100L, 102L);
        }
        // Values belong to their steps (not shifted by the probing).
        assertThat(kept).allSatisfy(p -> assertThat(p.value()).isEqualTo(p.step() * 0.5));

        List<MetricPoint> two = metrics.thinned(run, "loss", 250, 260, 2);
        assertThat(two).extracting(MetricPoint::step).containsExactly(250L, 260L);
    }

    @Test
    void thinningNeverRepeatsAPointOfAGappySeries() {
        UUID run = newRun();
        // A cluster, a long gap, then a second cluster: most target steps fall in the gap.
        metrics.upsert(
                run, points("loss", LongStream.concat(LongStream.range(0, 50), LongStream.range(100_000, 100_050))));

        List<MetricPoint> kept = metrics.thinned(run, "loss", 0, Long.MAX_VALUE, 20);
        assertThat(kept.size()).isBetween(2, 20);
        assertThat(kept)
                .extracting(MetricPoint::step)
                .doesNotHaveDuplicates()
                .isSorted()
                .startsWith(0L)
                .endsWith(100_049L);
        assertThat(metrics.thinned(run, "loss", 60, 99_999, 10)).isEmpty();
    }

    @Test
    void thinningCopesWithStepsNearTheTopOfTheRange() {
        UUID run = newRun();
        long top = Long.MAX_VALUE - 1;
        metrics.upsert(run, points("loss", LongStream.of(0, top / 2, top)));

        assertThat(metrics.thinned(run, "loss", 0, Long.MAX_VALUE, 2))
                .extracting(MetricPoint::step)
                .containsExactly(0L, top);
    }

    private UUID newRun() {
        UUID run = UUID.randomUUID();
        jdbc.sql("INSERT INTO runs (id, name, config, config_sha256, state, total_steps) "
                        + "VALUES (:id, 'slice', '{}'::jsonb, 'x', 'QUEUED', 10)")
                .param("id", run)
                .update();
        return run;
    }

    private static List<MetricPoint> points(String name, LongStream steps) {
        return steps.mapToObj(step -> new MetricPoint(name, step, step * 0.5, null))
                .toList();
    }
}
