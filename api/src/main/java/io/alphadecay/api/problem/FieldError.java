package io.alphadecay.api.problem;

/** One rejected field, named by its JSON path (for example {@code decay.s2} or {@code points[3].value}). */
public record FieldError(String field, String message) {}
