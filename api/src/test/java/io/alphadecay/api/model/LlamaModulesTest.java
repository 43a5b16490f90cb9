package io.alphadecay.api.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.alphadecay.api.analysis.ModuleType;
import org.junit.jupiter.api.Test;

class LlamaModulesTest {

    @Test
    void everyBlockProjectionIsAnalysedButTheFirstBlocksQuery() {
        assertThat(LlamaModules.analysed("model.layers.0.self_attn.k_proj.weight"))
                .isTrue();
        assertThat(LlamaModules.analysed("model.layers.0.self_attn.q_proj.weight"))
                .isFalse();
        assertThat(LlamaModules.analysed("model.layers.1.self_attn.q_proj.weight"))
                .isTrue();
        assertThat(LlamaModules.analysed("model.layers.11.mlp.down_proj.weight"))
                .isTrue();
        assertThat(LlamaModules.analysed("model.layers.10.self_attn.q_proj.weight"))
                .isTrue();
        assertThat(LlamaModules.analysed("model.embed_tokens.weight")).isFalse();
        assertThat(LlamaModules.analysed("lm_head.weight")).isFalse();
        assertThat(LlamaModules.analysed("model.layers.2.input_layernorm.weight"))
                .isFalse();
        assertThat(LlamaModules.analysed("model.layers.2.mlp.up_proj.bias")).isFalse();
    }

    @Test
    void theLayerAndTypeAreReadFromTheName() {
        assertThat(LlamaModules.layer("model.layers.7.mlp.gate_proj.weight")).isEqualTo(7);
        assertThat(LlamaModules.type("model.layers.7.mlp.gate_proj.weight")).isEqualTo(ModuleType.GATE);
        assertThat(LlamaModules.type("model.layers.3.self_attn.o_proj.weight")).isEqualTo(ModuleType.O);
        assertThat(LlamaModules.layer("lm_head.weight")).isNull();
        assertThat(LlamaModules.type("lm_head.weight")).isEqualTo(ModuleType.OTHER);
    }
}
