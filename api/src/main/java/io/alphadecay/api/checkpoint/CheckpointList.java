package io.alphadecay.api.checkpoint;

import java.util.List;

/** A run's checkpoints in step order. */
public record CheckpointList(List<Checkpoint> checkpoints) {}
