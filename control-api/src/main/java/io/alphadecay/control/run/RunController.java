package io.alphadecay.control.run;

import java.net.URI;
import java.util.Map;
import java.util.UUID;

import io.alphadecay.api.run.Run;
import io.alphadecay.api.run.RunConfig;
import io.alphadecay.api.run.RunEvent;
import io.alphadecay.api.run.RunRequests;
import io.alphadecay.api.run.RunState;
import io.alphadecay.common.web.ApiException;
import io.alphadecay.control.config.AlphadecayProperties;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Size;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/v1")
class RunController {

    private final RunService runs;
    private final EventLog events;
    private final int maxPageSize;

    RunController(RunService runs, EventLog events, AlphadecayProperties properties) {
        this.runs = runs;
        this.events = events;
        this.maxPageSize = properties.limits().maxPageSize();
    }

    @PostMapping("/runs")
    ResponseEntity<Run> create(
            @Valid @RequestBody RunConfig config,
            @RequestHeader(name = "Idempotency-Key", required = false) @Size(max = 200) String idempotencyKey) {
        if (idempotencyKey != null && idempotencyKey.isBlank()) {
            throw ApiException.invalid("Idempotency-Key", "must not be blank");
        }
        RunService.Created result = runs.create(config, idempotencyKey);
        if (!result.created()) {
            return ResponseEntity.ok(result.run());
        }
        return ResponseEntity.created(URI.create("/api/v1/runs/" + result.run().id()))
                .body(result.run());
    }

    @GetMapping("/runs")
    RunRequests.Page list(
            @RequestParam(required = false) RunState state,
            @RequestParam(required = false) @Size(max = 200) String name,
            @RequestParam(required = false) @Size(max = 100) String cursor,
            @RequestParam(defaultValue = "50") @Min(1) int limit) {
        if (limit > maxPageSize) {
            throw ApiException.invalid("limit", "must be at most " + maxPageSize);
        }
        return runs.list(state, name, cursor, limit);
    }

    @GetMapping("/runs/{id}")
    Run get(@PathVariable UUID id) {
        return runs.get(id);
    }

    @PostMapping("/runs/{id}/cancel")
    Run cancel(@PathVariable UUID id, @Valid @RequestBody(required = false) RunRequests.Cancel body) {
        return runs.cancel(id, body == null ? null : body.reason());
    }

    @PostMapping("/runs:claim")
    ResponseEntity<Run> claim(@Valid @RequestBody RunRequests.Claim body) {
        return runs.claim(body)
                .map(ResponseEntity::ok)
                .orElseGet(() -> ResponseEntity.noContent().build());
    }

    @PostMapping("/runs/{id}/heartbeat")
    Run heartbeat(@PathVariable UUID id, @Valid @RequestBody RunRequests.Heartbeat body) {
        return runs.heartbeat(id, body);
    }

    @PostMapping("/runs/{id}/state")
    Run report(@PathVariable UUID id, @Valid @RequestBody RunRequests.StateReport body) {
        return runs.report(id, body);
    }

    @GetMapping("/runs/{id}/events")
    RunRequests.EventList events(
            @PathVariable UUID id,
            @RequestParam(defaultValue = "0") @Min(0) long after,
            @RequestParam(defaultValue = "500") @Min(1) @Max(5000) int limit) {
        runs.requireExists(id);
        return new RunRequests.EventList(events.list(id, after, limit));
    }

    @PostMapping("/runs/{id}/events")
    @ResponseStatus(HttpStatus.CREATED)
    RunEvent addEvent(@PathVariable UUID id, @Valid @RequestBody RunRequests.NewEvent body) {
        runs.requireExists(id);
        return events.append(id, body.type(), body.message(), body.data() == null ? Map.of() : body.data());
    }
}
