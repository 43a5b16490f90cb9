package io.alphadecay.trainer.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

import ai.djl.ndarray.types.Shape;

/**
 * Architecture of a LLaMA model as HuggingFace's {@code LlamaConfig} describes it (RMSNorm eps 1e-6, rotary θ 10000,
 * untied lm_head, no biases). The paper presets follow the configurations the AlphaDecay paper trained.
 */
public record LlamaConfig(
        int hiddenSize, int intermediateSize, int numLayers, int numHeads, int vocabSize, int maxPositions) {

    public static final double RMS_NORM_EPS = 1e-6;
    public static final double ROPE_THETA = 10000.0;
    public static final double INIT_STD = 0.02;

    /** The vocabulary of the paper's presets (the T5 tokenizer the paper used). */
    public static final int PAPER_VOCAB = 32000;

    private static final List<String> PRESETS =
            List.of("tiny", "cpu-small", "llama-60m", "llama-135m", "llama-350m", "llama-1b");

    public LlamaConfig {
        requirePositive("hiddenSize", hiddenSize);
        requirePositive("intermediateSize", intermediateSize);
        requirePositive("numLayers", numLayers);
        requirePositive("numHeads", numHeads);
        requirePositive("vocabSize", vocabSize);
        requirePositive("maxPositions", maxPositions);
        if (hiddenSize % numHeads != 0) {
            throw new IllegalArgumentException("numHeads " + numHeads + " does not divide hiddenSize " + hiddenSize);
        }
        if ((hiddenSize / numHeads) % 2 != 0) {
            // rotate_half splits every head in two equal halves
            throw new IllegalArgumentException("head size " + hiddenSize / numHeads + " is odd");
        }
    }

    /**
     * A named preset. {@code tiny} and {@code cpu-small} take the tokenizer's vocabulary; the paper presets keep
     * 32000 rows and only accept a tokenizer whose ids fit in them.
     */
    public static LlamaConfig preset(String name, int tokenizerVocab) {
        requirePositive("tokenizerVocab", tokenizerVocab);
        String key = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        LlamaConfig config = switch (key) {
            case "tiny" -> new LlamaConfig(64, 172, 2, 4, tokenizerVocab, 256);
            case "cpu-small" -> new LlamaConfig(256, 688, 4, 4, tokenizerVocab, 256);
            case "llama-60m" -> new LlamaConfig(512, 1376, 8, 8, PAPER_VOCAB, 1024);
            case "llama-135m" -> new LlamaConfig(768, 2048, 12, 12, PAPER_VOCAB, 1024);
            case "llama-350m" -> new LlamaConfig(1024, 2736, 24, 16, PAPER_VOCAB, 1024);
            case "llama-1b" -> new LlamaConfig(2048, 5461, 24, 32, PAPER_VOCAB, 1024);
            default -> throw new IllegalArgumentException("unknown preset '" + name + "', expected one of " + PRESETS);
        };
        if (tokenizerVocab > config.vocabSize) {
            throw new IllegalArgumentException("preset " + key + " has " + config.vocabSize
                    + " embedding rows, fewer than the tokenizer's " + tokenizerVocab);
        }
        return config;
    }

    public static List<String> presetNames() {
        return PRESETS;
    }

    public int headDim() {
        return hiddenSize / numHeads;
    }

    /** Every parameter in HuggingFace's state_dict order, which is also {@link LlamaModel#parameters()}'s order. */
    public List<ParameterSpec> parameterSpecs() {
        List<ParameterSpec> specs = new ArrayList<>(2 + 9 * numLayers + 1);
        Shape hiddenSquare = new Shape(hiddenSize, hiddenSize);
        Shape upShape = new Shape(intermediateSize, hiddenSize);
        Shape norm = new Shape(hiddenSize);
        specs.add(new ParameterSpec(
                "model.embed_tokens.weight", new Shape(vocabSize, hiddenSize), ParameterSpec.Kind.EMBEDDING));
        for (int i = 0; i < numLayers; i++) {
            String prefix = "model.layers." + i + ".";
            for (String proj : List.of("q_proj", "k_proj", "v_proj", "o_proj")) {
                specs.add(new ParameterSpec(
                        prefix + "self_attn." + proj + ".weight", hiddenSquare, ParameterSpec.Kind.LINEAR));
            }
            specs.add(new ParameterSpec(prefix + "mlp.gate_proj.weight", upShape, ParameterSpec.Kind.LINEAR));
            specs.add(new ParameterSpec(prefix + "mlp.up_proj.weight", upShape, ParameterSpec.Kind.LINEAR));
            specs.add(new ParameterSpec(
                    prefix + "mlp.down_proj.weight",
                    new Shape(hiddenSize, intermediateSize),
                    ParameterSpec.Kind.LINEAR));
            specs.add(new ParameterSpec(prefix + "input_layernorm.weight", norm, ParameterSpec.Kind.NORM));
            specs.add(new ParameterSpec(prefix + "post_attention_layernorm.weight", norm, ParameterSpec.Kind.NORM));
        }
        specs.add(new ParameterSpec("model.norm.weight", norm, ParameterSpec.Kind.NORM));
        specs.add(new ParameterSpec("lm_head.weight", new Shape(vocabSize, hiddenSize), ParameterSpec.Kind.LINEAR));
        return Collections.unmodifiableList(specs);
    }

    public long parameterCount() {
        long total = 0;
        for (ParameterSpec spec : parameterSpecs()) {
            total += spec.elementCount();
        }
        return total;
    }

    private static void requirePositive(String field, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(field + " must be positive, was " + value);
        }
    }
}
