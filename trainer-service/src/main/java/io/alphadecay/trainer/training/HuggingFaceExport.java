package io.alphadecay.trainer.training;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.alphadecay.safetensors.SafetensorsWriter;
import io.alphadecay.trainer.data.Dirs;
import io.alphadecay.trainer.data.TrainingData;
import io.alphadecay.trainer.model.LlamaConfig;
import io.alphadecay.trainer.model.LlamaModel;
import io.alphadecay.trainer.model.SafetensorsArrays;
import tools.jackson.databind.json.JsonMapper;

/** A trained model as a folder HuggingFace tools load as it is: config.json, model.safetensors and tokenizer.json. */
final class HuggingFaceExport {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private HuggingFaceExport() {}

    /** Writes the folder beside {@code target} and then moves it there, replacing an earlier export. */
    static void write(Path target, LlamaModel model, LlamaConfig architecture, int maxPositions, TrainingData data)
            throws IOException {
        Path temp = Dirs.tempSibling(target);
        Files.writeString(
                temp.resolve("config.json"),
                JSON.writerWithDefaultPrettyPrinter().writeValueAsString(config(architecture, maxPositions, data)));
        try (OutputStream out = Files.newOutputStream(temp.resolve("model.safetensors"))) {
            SafetensorsWriter.write(out, Map.of("format", "pt"), SafetensorsArrays.tensors(model.parameters()));
        }
        Files.copy(data.tokenizerFile(), temp.resolve("tokenizer.json"));
        Dirs.discard(target); // a re-run's export replaces the earlier one
        Dirs.publish(temp, target);
    }

    private static Map<String, Object> config(LlamaConfig architecture, int maxPositions, TrainingData data) {
        Map<String, Object> hf = new LinkedHashMap<>();
        hf.put("architectures", List.of("LlamaForCausalLM"));
        hf.put("model_type", "llama");
        hf.put("hidden_size", architecture.hiddenSize());
        hf.put("intermediate_size", architecture.intermediateSize());
        hf.put("num_hidden_layers", architecture.numLayers());
        hf.put("num_attention_heads", architecture.numHeads());
        hf.put("num_key_value_heads", architecture.numHeads());
        hf.put("vocab_size", architecture.vocabSize());
        hf.put("max_position_embeddings", maxPositions);
        hf.put("rms_norm_eps", LlamaConfig.RMS_NORM_EPS);
        hf.put("rope_theta", LlamaConfig.ROPE_THETA);
        hf.put("hidden_act", "silu");
        hf.put("tie_word_embeddings", false);
        hf.put("attention_bias", false);
        hf.put("initializer_range", LlamaConfig.INIT_STD);
        hf.put("torch_dtype", "float32");
        hf.put("eos_token_id", data.endOfTextId());
        hf.put("bos_token_id", data.endOfTextId());
        return hf;
    }
}
