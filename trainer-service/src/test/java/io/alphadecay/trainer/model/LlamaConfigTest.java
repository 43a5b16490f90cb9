package io.alphadecay.trainer.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class LlamaConfigTest {

    @Test
    void paperPresetsHaveThePaperShapesAndParameterCounts() {
        assertThat(LlamaConfig.preset("llama-60m", 32000)).isEqualTo(new LlamaConfig(512, 1376, 8, 8, 32000, 1024));
        assertThat(LlamaConfig.preset("llama-135m", 32000)).isEqualTo(new LlamaConfig(768, 2048, 12, 12, 32000, 1024));
        assertThat(LlamaConfig.preset("llama-350m", 32000)).isEqualTo(new LlamaConfig(1024, 2736, 24, 16, 32000, 1024));
        assertThat(LlamaConfig.preset("llama-1b", 32000)).isEqualTo(new LlamaConfig(2048, 5461, 24, 32, 32000, 1024));
        // the counts HuggingFace reports for these configurations (58.1M and 1.34B)
        assertThat(LlamaConfig.preset("llama-60m", 32000).parameterCount()).isEqualTo(58_073_600L);
        assertThat(LlamaConfig.preset("llama-1b", 32000).parameterCount()).isEqualTo(1_339_082_752L);
    }

    @Test
    void llama1bSpecsUseHuggingFaceNamesAndShapesWithoutAllocating() {
        List<ParameterSpec> specs = LlamaConfig.preset("llama-1b", 32000).parameterSpecs();
        Map<String, Shape> shapes = specs.stream().collect(Collectors.toMap(ParameterSpec::name, ParameterSpec::shape));

        assertThat(specs).hasSize(1 + 24 * 9 + 2);
        assertThat(specs.get(0).name()).isEqualTo("model.embed_tokens.weight");
        assertThat(specs.get(specs.size() - 1).name()).isEqualTo("lm_head.weight");
        assertThat(shapes)
                .containsEntry("model.embed_tokens.weight", new Shape(32000, 2048))
                .containsEntry("model.layers.23.self_attn.q_proj.weight", new Shape(2048, 2048))
                .containsEntry("model.layers.0.self_attn.k_proj.weight", new Shape(2048, 2048))
                .containsEntry("model.layers.7.self_attn.v_proj.weight", new Shape(2048, 2048))
                .containsEntry("model.layers.7.self_attn.o_proj.weight", new Shape(2048, 2048))
                .containsEntry("model.layers.5.mlp.gate_proj.weight", new Shape(5461, 2048))
                .containsEntry("model.layers.5.mlp.up_proj.weight", new Shape(5461, 2048))
                .containsEntry("model.layers.5.mlp.down_proj.weight", new Shape(2048, 5461))
                .containsEntry("model.layers.5.input_layernorm.weight", new Shape(2048))
                .containsEntry("model.layers.5.post_attention_layernorm.weight", new Shape(2048))
                .containsEntry("model.norm.weight", new Shape(2048))
                .containsEntry("lm_head.weight", new Shape(32000, 2048));
        assertThat(shapes).doesNotContainKey("model.layers.24.self_attn.q_proj.weight");
    }

    @Test
    void everyPresetFollowsTheLayerPatternAndTinyProjectionsAreWideEnoughForSpectra() {
        for (String name : LlamaConfig.presetNames()) {
            LlamaConfig config = LlamaConfig.preset(name, 8192);
            List<ParameterSpec> specs = config.parameterSpecs();
            assertThat(specs).as(name).hasSize(9 * config.numLayers() + 3);
            assertThat(specs.stream().map(ParameterSpec::name).distinct().count())
                    .isEqualTo(specs.size());
            for (ParameterSpec spec : specs) {
                if (spec.name().endsWith("_proj.weight")) {
                    assertThat(spec.kind()).isEqualTo(ParameterSpec.Kind.LINEAR);
                    // an analysis needs at least 50 eigenvalues of WᵀW
                    assertThat(Math.min(spec.shape().get(0), spec.shape().get(1)))
                            .as(spec.name())
                            .isGreaterThanOrEqualTo(64);
                }
            }
        }
        assertThat(LlamaConfig.preset("tiny", 300).vocabSize()).isEqualTo(300);
        assertThat(LlamaConfig.preset("CPU-Small", 8192).vocabSize()).isEqualTo(8192);
        assertThat(LlamaConfig.preset("llama-60m", 8192).vocabSize()).isEqualTo(32000);
    }

    @Test
    void rejectsInvalidConfigurations() {
        assertThatThrownBy(() -> LlamaConfig.preset("llama-7b", 32000)).hasMessageContaining("unknown preset");
        assertThatThrownBy(() -> LlamaConfig.preset("llama-60m", 50000)).hasMessageContaining("fewer than");
        assertThatThrownBy(() -> new LlamaConfig(64, 172, 2, 5, 100, 64)).hasMessageContaining("does not divide");
        assertThatThrownBy(() -> new LlamaConfig(66, 172, 2, 2, 100, 64)).hasMessageContaining("odd");
        assertThatThrownBy(() -> new LlamaConfig(64, 0, 2, 4, 100, 64)).hasMessageContaining("intermediateSize");
        assertThat(new LlamaConfig(32, 48, 1, 2, 10, 8).headDim()).isEqualTo(16);
    }
}
