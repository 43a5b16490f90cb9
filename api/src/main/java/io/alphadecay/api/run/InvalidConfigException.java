package io.alphadecay.api.run;

import java.util.List;

import io.alphadecay.api.problem.FieldError;

/** A run configuration whose fields contradict each other; a server answers it as a validation problem. */
public final class InvalidConfigException extends IllegalArgumentException {

    private final List<FieldError> errors;

    public InvalidConfigException(List<FieldError> errors) {
        super(errors.stream()
                .map(e -> e.field() + ": " + e.message())
                .reduce((a, b) -> a + "; " + b)
                .orElse("invalid configuration"));
        this.errors = List.copyOf(errors);
    }

    public List<FieldError> errors() {
        return errors;
    }
}
