package io.alphadecay.trainer.data;

import java.io.IOException;

/** A set of documents, each assigned to one split, read as a stream so a large corpus never sits in the heap. */
public interface Corpus {

    /** Changes whenever the documents or the split could change; part of the token cache key. */
    String fingerprint();

    /** A short human description for progress messages. */
    String describe();

    /** Visits every non-empty document in a fixed order, with its split. */
    void forEach(Visitor visitor) throws IOException;

    /** Receives the documents of {@link #forEach}. */
    @FunctionalInterface
    interface Visitor {
        void accept(Split split, Document document) throws IOException;
    }
}
