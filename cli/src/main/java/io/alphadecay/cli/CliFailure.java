package io.alphadecay.cli;

/** A failure the command explains in one line (exit status 2), such as a missing token or a refused call. */
public final class CliFailure extends RuntimeException {

    public CliFailure(String message) {
        super(message);
    }
}
