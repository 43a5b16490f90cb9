package io.alphadecay.safetensors;

/** The body is not a well-formed safetensors file; {@code kind} names the problem for metrics. */
public final class MalformedCheckpointException extends Exception {

    private final String kind;

    public MalformedCheckpointException(String kind, String message) {
        super(message);
        this.kind = kind;
    }

    public String kind() {
        return kind;
    }

    /** A truncated body is a transport problem (400); anything else is an unprocessable file (422). */
    public boolean truncated() {
        return "truncated".equals(kind);
    }
}
