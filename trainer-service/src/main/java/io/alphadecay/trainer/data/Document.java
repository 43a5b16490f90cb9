package io.alphadecay.trainer.data;

/** One document of a corpus: a stable id (relative path, with a line number for JSON lines) and its text. */
public record Document(String id, String text) {}
