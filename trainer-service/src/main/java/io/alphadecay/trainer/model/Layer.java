package io.alphadecay.trainer.model;

import java.util.Map;

import ai.djl.ndarray.NDArray;

/** The parameters of one decoder block, looked up once so the forward pass does no string work. */
record Layer(
        NDArray q,
        NDArray k,
        NDArray v,
        NDArray o,
        NDArray gate,
        NDArray up,
        NDArray down,
        NDArray inputNorm,
        NDArray postAttentionNorm) {

    static Layer of(Map<String, NDArray> parameters, String prefix) {
        return new Layer(
                parameters.get(prefix + "self_attn.q_proj.weight"),
                parameters.get(prefix + "self_attn.k_proj.weight"),
                parameters.get(prefix + "self_attn.v_proj.weight"),
                parameters.get(prefix + "self_attn.o_proj.weight"),
                parameters.get(prefix + "mlp.gate_proj.weight"),
                parameters.get(prefix + "mlp.up_proj.weight"),
                parameters.get(prefix + "mlp.down_proj.weight"),
                parameters.get(prefix + "input_layernorm.weight"),
                parameters.get(prefix + "post_attention_layernorm.weight"));
    }
}
