package io.alphadecay.control.run;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import io.alphadecay.api.run.Run;
import io.alphadecay.api.run.RunConfig;
import io.alphadecay.api.run.RunRequests;
import io.alphadecay.api.run.RunState;
import io.alphadecay.common.web.ApiException;
import io.alphadecay.common.web.ProblemType;
import io.alphadecay.control.config.AlphadecayProperties;
import io.alphadecay.control.run.RunRepository.StoredRun;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.info.BuildProperties;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.json.JsonMapper;

/** The run life cycle: creation, listing, claiming under a lease, heartbeats, state reports and cancellation. */
@Service
public class RunService {

    private final RunRepository runs;
    private final EventLog events;
    private final JsonMapper json;
    private final AlphadecayProperties properties;
    private final String version;

    RunService(
            RunRepository runs,
            EventLog events,
            JsonMapper json,
            AlphadecayProperties properties,
            ObjectProvider<BuildProperties> build) {
        this.runs = runs;
        this.events = events;
        this.json = json;
        this.properties = properties;
        BuildProperties info = build.getIfAvailable();
        this.version = info == null ? "dev" : info.getVersion();
    }

    /** The outcome of a create call: the run and whether this call created it. */
    public record Created(Run run, boolean created) {}

    @Transactional
    public Created create(RunConfig requested, String idempotencyKey) {
        RunConfig config = requested.withDefaults(defaultName(requested));
        config.checkConsistency();
        String sha = sha256(json.writeValueAsString(config));
        if (idempotencyKey != null) {
            var existing = runs.findByIdempotencyKey(idempotencyKey);
            if (existing.isPresent()) {
                return replay(existing.get(), sha);
            }
        }
        Map<String, Object> provenance = new LinkedHashMap<>();
        provenance.put("controlApiVersion", version);
        provenance.put("seed", config.seed());
        provenance.put("java", System.getProperty("java.version"));
        StoredRun stored = runs.insert(UUID.randomUUID(), config, sha, idempotencyKey, provenance);
        if (stored == null) {
            // Another request with the same key won the race a moment ago.
            return replay(runs.findByIdempotencyKey(idempotencyKey).orElseThrow(), sha);
        }
        events.append(
                stored.run().id(),
                "created",
                "Run created and queued",
                Map.of("preset", config.preset(), "policy", config.decay().policy()));
        return new Created(stored.run(), true);
    }

    private static Created replay(RunRepository.StoredRunWithHash existing, String sha) {
        if (!existing.configSha256().equals(sha)) {
            throw new ApiException(
                    ProblemType.IDEMPOTENCY_CONFLICT,
                    "This Idempotency-Key was already used for a run with a different body");
        }
        return new Created(existing.stored().run(), false);
    }

    public Run get(UUID id) {
        return runs.find(id).orElseThrow(() -> ApiException.notFound("Run " + id));
    }

    public void requireExists(UUID id) {
        if (!runs.exists(id)) {
            throw ApiException.notFound("Run " + id);
        }
    }

    public RunRequests.Page list(RunState state, String name, String cursor, int limit) {
        List<StoredRun> rows = runs.page(state, name, decodeCursor(cursor), limit + 1);
        boolean more = rows.size() > limit;
        List<StoredRun> page = more ? rows.subList(0, limit) : rows;
        String next = more ? encodeCursor(page.get(page.size() - 1).seq()) : null;
        return new RunRequests.Page(page.stream().map(StoredRun::run).toList(), next);
    }

    @Transactional
    public Optional<Run> claim(RunRequests.Claim request) {
        Optional<Run> claimed =
                runs.claimOldestQueued(request.workerId(), properties.leases().ttl(), request.provenance());
        claimed.ifPresent(run -> events.append(
                run.id(),
                "claimed",
                "Claimed by worker " + request.workerId() + " (attempt " + run.attempt() + ")",
                Map.of("workerId", request.workerId(), "attempt", run.attempt())));
        return claimed;
    }

    @Transactional
    public Run heartbeat(UUID id, RunRequests.Heartbeat beat) {
        Run run = lockHeldRun(id, beat.workerId());
        runs.renewLease(id, properties.leases().ttl(), beat.step(), beat.tokensSeen(), beat.etaSeconds());
        return runs.find(id).orElse(run);
    }

    @Transactional
    public Run report(UUID id, RunRequests.StateReport report) {
        Run run = lockHeldRun(id, report.workerId());
        RunState next = report.state();
        if (!next.terminal() || !run.state().mayBecome(next)) {
            throw new ApiException(
                    ProblemType.INVALID_TRANSITION, "A worker cannot move a run from " + run.state() + " to " + next);
        }
        if (next == RunState.FAILED
                && (report.reason() == null || report.reason().isBlank())) {
            throw ApiException.invalid("reason", "is required when the state is FAILED");
        }
        String reason = next == RunState.FAILED ? report.reason() : null;
        runs.changeState(id, next, reason, report.step());
        events.append(
                id,
                "state",
                run.state() + " → " + next + (report.reason() == null ? "" : ": " + report.reason()),
                Map.of("from", run.state().name(), "to", next.name()));
        return get(id);
    }

    @Transactional
    public Run cancel(UUID id, String reason) {
        Run run = runs.lock(id).orElseThrow(() -> ApiException.notFound("Run " + id));
        String why = reason == null || reason.isBlank() ? "cancelled by an operator" : reason;
        switch (run.state()) {
            case QUEUED -> {
                runs.changeState(id, RunState.CANCELLED, null, null);
                events.append(id, "state", "QUEUED → CANCELLED: " + why, Map.of("from", "QUEUED", "to", "CANCELLED"));
            }
            case RUNNING -> {
                runs.changeState(id, RunState.CANCEL_REQUESTED, null, null);
                events.append(
                        id,
                        "state",
                        "RUNNING → CANCEL_REQUESTED: " + why,
                        Map.of("from", "RUNNING", "to", "CANCEL_REQUESTED"));
            }
            case CANCEL_REQUESTED -> {
                // Already on its way out; asking again changes nothing.
            }
            default ->
                throw new ApiException(
                        ProblemType.INVALID_TRANSITION,
                        "Run " + id + " is " + run.state() + " and can no longer be cancelled");
        }
        return get(id);
    }

    @Transactional
    public int reapExpiredLeases() {
        return runs.reapExpiredLeases(properties.leases().maxAttempts());
    }

    public Map<RunState, Long> countByState() {
        return runs.countByState();
    }

    private Run lockHeldRun(UUID id, String workerId) {
        Run run = runs.lock(id).orElseThrow(() -> ApiException.notFound("Run " + id));
        if (run.lease() == null || !run.lease().owner().equals(workerId)) {
            throw new ApiException(
                    ProblemType.LEASE_LOST,
                    "Worker " + workerId + " does not hold the lease on run " + id + " (state " + run.state() + ")");
        }
        return run;
    }

    private static String defaultName(RunConfig config) {
        String preset = config.preset() == null ? RunConfig.DEFAULT_PRESET : config.preset();
        String policy = config.decay() == null || config.decay().policy() == null
                ? "alphadecay"
                : config.decay().policy();
        return preset + "-" + policy;
    }

    private static String encodeCursor(long seq) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(("s" + seq).getBytes(StandardCharsets.US_ASCII));
    }

    private static Long decodeCursor(String cursor) {
        if (cursor == null || cursor.isBlank()) {
            return null;
        }
        try {
            String raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII);
            if (!raw.startsWith("s")) {
                throw new IllegalArgumentException();
            }
            return Long.parseLong(raw.substring(1));
        } catch (IllegalArgumentException ex) {
            throw ApiException.invalid("cursor", "is not a cursor this API returned");
        }
    }

    static String sha256(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
    }
}
