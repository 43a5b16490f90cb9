package io.alphadecay.trainer.data.tokenizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Writes a trained byte-level BPE as a HuggingFace {@code tokenizer.json}: the ByteLevel pre-tokenizer (GPT-2
 * split, no prefix space, so decoding gives back the exact text), the BPE model, the ByteLevel decoder, and
 * {@value #END_OF_TEXT} as the last id, a special token that separates documents.
 */
public final class TokenizerJson {

    static final String END_OF_TEXT = "<|endoftext|>";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private TokenizerJson() {}

    public static ObjectNode of(BpeTrainer.Result bpe) {
        int endOfText = bpe.vocab().size();
        ObjectNode root = JSON.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ObjectNode eot = root.putArray("added_tokens").addObject();
        eot.put("id", endOfText);
        eot.put("content", END_OF_TEXT);
        eot.put("single_word", false);
        eot.put("lstrip", false);
        eot.put("rstrip", false);
        eot.put("normalized", false);
        eot.put("special", true);
        root.putNull("normalizer");
        byteLevel(root.putObject("pre_tokenizer"));
        root.putNull("post_processor");
        byteLevel(root.putObject("decoder"));
        ObjectNode model = root.putObject("model");
        model.put("type", "BPE");
        model.putNull("dropout");
        model.putNull("unk_token");
        model.putNull("continuing_subword_prefix");
        model.putNull("end_of_word_suffix");
        model.put("fuse_unk", false);
        model.put("byte_fallback", false);
        ObjectNode vocab = model.putObject("vocab");
        for (int id = 0; id < bpe.vocab().size(); id++) {
            vocab.put(bpe.vocab().get(id), id);
        }
        vocab.put(END_OF_TEXT, endOfText);
        ArrayNode merges = model.putArray("merges");
        bpe.merges().forEach(merges::add);
        return root;
    }

    private static void byteLevel(ObjectNode node) {
        node.put("type", "ByteLevel");
        node.put("add_prefix_space", false);
        node.put("trim_offsets", true);
        node.put("use_regex", true);
    }

    /** Writes {@code tokenizer} to {@code file} in one rename, so a reader never sees half a file. */
    public static void write(ObjectNode tokenizer, Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Path temp = Files.createTempFile(file.getParent(), "." + file.getFileName(), ".tmp");
        try {
            Files.write(temp, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(tokenizer));
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
