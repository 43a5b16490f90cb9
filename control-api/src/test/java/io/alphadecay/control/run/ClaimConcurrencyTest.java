package io.alphadecay.control.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.alphadecay.control.support.Api;
import io.alphadecay.control.support.ApiTestBase;
import io.alphadecay.control.support.Fixtures;
import org.junit.jupiter.api.Test;

/** Eight workers race over HTTP for twenty queued runs: every run is claimed exactly once. */
class ClaimConcurrencyTest extends ApiTestBase {

    private static final int WORKERS = 8;
    private static final int RUNS = 20;

    @Test
    void racingWorkersNeverDoubleClaimAndLoseNone() throws Exception {
        drainQueue();
        Set<String> created = new HashSet<>();
        for (int i = 0; i < RUNS; i++) {
            created.add(operator.post("/api/v1/runs", Fixtures.tinyRun(uniqueName("race")))
                    .json()
                    .get("id")
                    .asString());
        }

        Map<String, String> claimedBy = new ConcurrentHashMap<>();
        List<String> doubleClaims = java.util.Collections.synchronizedList(new ArrayList<>());
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(WORKERS);
        List<Future<Integer>> results = new ArrayList<>();
        for (int w = 0; w < WORKERS; w++) {
            String worker = "racer-" + w;
            results.add(pool.submit(() -> {
                start.await();
                int mine = 0;
                while (true) {
                    Api.Response response = service.post("/api/v1/runs:claim", Map.of("workerId", worker));
                    if (response.status() == 204) {
                        return mine;
                    }
                    assertThat(response.status()).isEqualTo(200);
                    String id = response.json().get("id").asString();
                    assertThat(response.json().at("/lease/owner").asString()).isEqualTo(worker);
                    if (claimedBy.putIfAbsent(id, worker) != null) {
                        doubleClaims.add(id);
                    }
                    mine++;
                }
            }));
        }
        start.countDown();
        int total = 0;
        for (Future<Integer> result : results) {
            total += result.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();

        assertThat(doubleClaims).isEmpty();
        assertThat(total).isEqualTo(RUNS);
        assertThat(claimedBy.keySet()).isEqualTo(created);
        for (String id : created) {
            var run = operator.get("/api/v1/runs/" + id).json();
            assertThat(run.get("state").asString()).isEqualTo("RUNNING");
            assertThat(run.at("/lease/owner").asString()).isEqualTo(claimedBy.get(id));
        }
    }
}
