package io.alphadecay.api.metric;

/** The answer of a metric write: how many points were stored (a re-sent point replaces the earlier one). */
public record MetricsAccepted(int accepted) {}
