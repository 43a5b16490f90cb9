package io.alphadecay.trainer.data;

/** Which part of a corpus a document belongs to; a document is never in both. */
public enum Split {
    TRAIN,
    VALIDATION
}
