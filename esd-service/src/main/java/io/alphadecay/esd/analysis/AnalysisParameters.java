package io.alphadecay.esd.analysis;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.alphadecay.api.analysis.Estimator;
import io.alphadecay.api.problem.FieldError;
import io.alphadecay.common.web.ApiException;

/**
 * What an analysis is asked to do: read from the checkpoint's {@code __metadata__} and overridden by query
 * parameters. Keys are the metadata names: run_id, step, estimator, policy, wd0, s1, s2.
 */
public record AnalysisParameters(
        String runId, Long step, Estimator estimator, String policy, double wd0, double s1, double s2) {

    static final double DEFAULT_WD0 = 0.1;
    static final double DEFAULT_S1 = 0.6666;
    static final double DEFAULT_S2 = 5.0;

    /** Query overrides; any field may be null. */
    public record Overrides(
            String runId, Long step, String estimator, String policy, Double wd0, Double s1, Double s2) {}

    static AnalysisParameters resolve(Map<String, String> metadata, Overrides query) {
        List<FieldError> errors = new ArrayList<>();
        String runId = query.runId() != null ? query.runId() : metadata.get("run_id");
        if (runId != null && (runId.isBlank() || runId.length() > 100)) {
            errors.add(new FieldError("runId", "must have 1 to 100 characters"));
        }
        Long step = query.step() != null ? query.step() : parseLong(metadata, "step", errors);
        if (step != null && step < 0) {
            errors.add(new FieldError("step", "must not be negative"));
        }
        String estimatorName = first(query.estimator(), metadata.get("estimator"), Estimator.MEDIAN_HILL.wireName());
        Estimator estimator = Estimator.fromName(estimatorName).orElse(null);
        if (estimator == null) {
            errors.add(new FieldError("estimator", "must be median-hill or ks-mle"));
        }
        String policy = first(query.policy(), metadata.get("policy"), "alphadecay");
        if (!policy.equals("alphadecay") && !policy.equals("uniform")) {
            errors.add(new FieldError("policy", "must be alphadecay or uniform"));
        }
        double wd0 = number(query.wd0(), metadata, "wd0", DEFAULT_WD0, 10, errors);
        double s1 = number(query.s1(), metadata, "s1", DEFAULT_S1, 100, errors);
        double s2 = number(query.s2(), metadata, "s2", DEFAULT_S2, 100, errors);
        if (s1 > s2) {
            errors.add(new FieldError("s1", "must not exceed s2"));
        }
        if (!errors.isEmpty()) {
            throw ApiException.invalid(errors);
        }
        return new AnalysisParameters(runId, step, estimator, policy, wd0, s1, s2);
    }

    private static String first(String query, String metadata, String fallback) {
        return query != null ? query : metadata != null ? metadata : fallback;
    }

    private static Long parseLong(Map<String, String> metadata, String key, List<FieldError> errors) {
        String raw = metadata.get(key);
        if (raw == null) {
            return null;
        }
        try {
            return Long.parseLong(raw.strip());
        } catch (NumberFormatException ex) {
            errors.add(new FieldError("__metadata__." + key, "is not a whole number: " + raw));
            return null;
        }
    }

    private static double number(
            Double query,
            Map<String, String> metadata,
            String key,
            double fallback,
            double max,
            List<FieldError> errors) {
        double value = fallback;
        String field = key;
        if (query != null) {
            value = query;
        } else if (metadata.get(key) != null) {
            field = "__metadata__." + key;
            try {
                value = Double.parseDouble(metadata.get(key).strip());
            } catch (NumberFormatException ex) {
                errors.add(new FieldError(field, "is not a number: " + metadata.get(key)));
                return fallback;
            }
        }
        if (!Double.isFinite(value) || value < 0 || value > max) {
            errors.add(new FieldError(field, "must be between 0 and " + max));
        }
        return value;
    }
}
