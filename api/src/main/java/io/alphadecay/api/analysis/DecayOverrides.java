package io.alphadecay.api.analysis;

import java.util.Map;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

/** An operator's decays by parameter name, which win over any analysis: {@code PUT .../decay-overrides}. */
public record DecayOverrides(@NotNull @Size(max = 10_000) Map<String, Double> overrides) {}
