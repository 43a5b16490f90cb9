package io.alphadecay.trainer.data;

/** A data problem a user can act on (missing npm, tampered download, unusable dataset), with a one-line message. */
public final class DataException extends RuntimeException {

    public DataException(String message) {
        super(message);
    }

    public DataException(String message, Throwable cause) {
        super(message, cause);
    }
}
