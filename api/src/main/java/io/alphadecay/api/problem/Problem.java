package io.alphadecay.api.problem;

import java.net.URI;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * An RFC 9457 problem+json answer as every service writes it: a stable {@code type} per kind of error
 * ({@code urn:alphadecay:problem:...}), and for validation failures the rejected fields.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Problem(URI type, String title, int status, String detail, List<FieldError> errors) {

    public static final String TYPE_PREFIX = "urn:alphadecay:problem:";

    public Problem {
        errors = errors == null ? List.of() : List.copyOf(errors);
    }

    /** The part of the type after the prefix, e.g. {@code lease-lost}; empty when the type is not ours. */
    public String slug() {
        String text = type == null ? "" : type.toString();
        return text.startsWith(TYPE_PREFIX) ? text.substring(TYPE_PREFIX.length()) : "";
    }
}
