package io.alphadecay.api.checkpoint;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** A checkpoint a worker has written and committed: the body of {@code POST /api/v1/runs/{id}/checkpoints}. */
public record NewCheckpoint(
        @NotNull @Min(0) Long step,
        @NotBlank @Size(max = 2000) String uri,
        @NotNull @Min(0) @Max(Long.MAX_VALUE / 2) Long bytes,

        @NotNull @Pattern(regexp = "[0-9a-f]{64}", message = "must be 64 lower-case hex digits")
        String sha256) {}
