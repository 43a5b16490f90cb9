package io.alphadecay.api.metric;

import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;

/** Points of one run: the body of a metric write and the answer of a read. */
public record MetricBatch(@NotNull List<@Valid @NotNull MetricPoint> points) {}
