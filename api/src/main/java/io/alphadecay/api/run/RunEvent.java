package io.alphadecay.api.run;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** One entry of a run's append-only event log. */
public record RunEvent(long id, UUID runId, String type, String message, Map<String, Object> data, Instant createdAt) {}
