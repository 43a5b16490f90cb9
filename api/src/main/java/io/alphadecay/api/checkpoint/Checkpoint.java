package io.alphadecay.api.checkpoint;

import java.time.Instant;
import java.util.UUID;

/** A full training checkpoint a worker committed; ANALYZED once the esd-service reported on its step. */
public record Checkpoint(
        long id, UUID runId, long step, String uri, long bytes, String sha256, String state, Instant createdAt) {}
