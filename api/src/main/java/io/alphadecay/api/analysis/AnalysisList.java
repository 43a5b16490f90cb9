package io.alphadecay.api.analysis;

import java.util.List;

/** A run's analyses, oldest first: the answer of {@code GET /api/v1/runs/{id}/analyses}. */
public record AnalysisList(List<Analysis> analyses) {}
