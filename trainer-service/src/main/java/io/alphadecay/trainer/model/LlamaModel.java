package io.alphadecay.trainer.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.core.Linear;

/**
 * HuggingFace's {@code LlamaForCausalLM} written with plain NDArray operations, so that every parameter is a
 * named leaf tensor the module-wise optimizer and the spectral analysis can address directly.
 *
 * <p>Intermediate arrays are attached to the manager of the token ids passed in, so a caller that creates its
 * inputs on a per-step sub-manager frees the whole graph by closing it. Parameters, rotary tables and causal masks
 * live on the model's own manager. The device is the one of the manager given to {@link #initialize}. Not
 * thread-safe.
 */
public final class LlamaModel implements AutoCloseable {

    private final LlamaConfig config;
    private final NDManager manager;
    private final DataType dataType;
    private final Map<String, NDArray> byName;
    private final List<NamedParameter> parameters;
    private final List<Layer> layers;
    private final RotaryEmbedding rotary;
    private final Map<Integer, NDArray> masks = new HashMap<>();

    private LlamaModel(LlamaConfig config, NDManager manager, DataType dataType, List<NamedParameter> parameters) {
        this.config = config;
        this.manager = manager;
        this.dataType = dataType;
        this.parameters = Collections.unmodifiableList(parameters);
        Map<String, NDArray> map = new LinkedHashMap<>();
        for (NamedParameter parameter : parameters) {
            map.put(parameter.name(), parameter.array());
        }
        this.byName = Collections.unmodifiableMap(map);
        List<Layer> blocks = new ArrayList<>(config.numLayers());
        for (int i = 0; i < config.numLayers(); i++) {
            blocks.add(Layer.of(map, "model.layers." + i + "."));
        }
        this.layers = Collections.unmodifiableList(blocks);
        this.rotary = new RotaryEmbedding(manager, config.headDim(), LlamaConfig.ROPE_THETA, dataType);
    }

    /** A float32 model with HuggingFace's initialisation (N(0, 0.02), norms at one) drawn from the seed. */
    public static LlamaModel initialize(NDManager manager, LlamaConfig config, long seed) {
        return initialize(manager, config, seed, DataType.FLOAT32);
    }

    /** Float64 is only for numerical tests such as finite-difference gradient checks. */
    static LlamaModel initialize(NDManager manager, LlamaConfig config, long seed, DataType dataType) {
        NDManager own = manager.newSubManager();
        try {
            List<NamedParameter> parameters = new ArrayList<>();
            for (ParameterSpec spec : config.parameterSpecs()) {
                NDArray array = spec.kind() == ParameterSpec.Kind.NORM
                        ? own.ones(spec.shape(), dataType)
                        : Tensors.normal(own, seed, spec.name(), spec.shape(), LlamaConfig.INIT_STD, dataType);
                array.setName(spec.name());
                array.setRequiresGradient(true);
                parameters.add(new NamedParameter(spec.name(), array));
            }
            return new LlamaModel(config, own, dataType, parameters);
        } catch (RuntimeException e) {
            own.close();
            throw e;
        }
    }

    public LlamaConfig config() {
        return config;
    }

    public Device device() {
        return manager.getDevice();
    }

    /** Parameters in HuggingFace's state_dict order, the same as {@link LlamaConfig#parameterSpecs()}. */
    public List<NamedParameter> parameters() {
        return parameters;
    }

    /** [batch, seq] token ids (int64) to [batch, seq, vocab] logits. */
    public NDArray logits(NDArray tokenIds) {
        return Linear.linear(hidden(tokenIds), byName.get("lm_head.weight")).singletonOrThrow();
    }

    /** Mean next-token cross-entropy in nats over every position; targets have the inputs' shape. */
    public NDArray loss(NDArray inputIds, NDArray targetIds) {
        if (!inputIds.getShape().equals(targetIds.getShape())) {
            throw new IllegalArgumentException(
                    "targets " + targetIds.getShape() + " do not match inputs " + inputIds.getShape());
        }
        long tokens = inputIds.getShape().size();
        NDArray logProbs = logits(inputIds).reshape(tokens, config.vocabSize()).logSoftmax(1);
        NDArray targets = targetIds.reshape(tokens, 1).toType(DataType.INT64, false);
        return logProbs.gather(targets, 1).mean().neg();
    }

    /**
     * Copies weights in place (e.g. from a checkpoint), after checking that every parameter is present with its
     * shape and nothing else is, so a failed load leaves the model as it was.
     */
    public void load(Map<String, NDArray> weights) {
        TreeSet<String> unknown = new TreeSet<>(weights.keySet());
        unknown.removeAll(byName.keySet());
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown parameters " + unknown);
        }
        for (ParameterSpec spec : config.parameterSpecs()) {
            NDArray source = weights.get(spec.name());
            if (source == null) {
                throw new IllegalArgumentException("missing parameter " + spec.name());
            }
            if (!source.getShape().equals(spec.shape())) {
                throw new IllegalArgumentException(
                        "parameter " + spec.name() + " has shape " + source.getShape() + ", expected " + spec.shape());
            }
        }
        for (NamedParameter parameter : parameters) {
            ArrayCopy.into(parameter.array(), weights.get(parameter.name()));
        }
    }

    /** The rotary helper the attention uses, exposed for tests of its relative-position property. */
    RotaryEmbedding rotary() {
        return rotary;
    }

    @Override
    public void close() {
        manager.close();
    }

    private NDArray hidden(NDArray tokenIds) {
        Shape shape = tokenIds.getShape();
        if (shape.dimension() != 2) {
            throw new IllegalArgumentException("token ids must be [batch, seq], got " + shape);
        }
        long batch = shape.get(0);
        long seq = shape.get(1);
        if (seq > config.maxPositions()) {
            throw new IllegalArgumentException(
                    "sequence length " + seq + " exceeds maxPositions " + config.maxPositions());
        }
        NDArray mask = causalMask(Math.toIntExact(seq));
        NDArray x = Embedding.embedding(tokenIds, byName.get("model.embed_tokens.weight"), SparseFormat.DENSE)
                .singletonOrThrow();
        for (Layer layer : layers) {
            x = x.add(attention(rmsNorm(x, layer.inputNorm()), layer, mask, batch, seq));
            x = x.add(mlp(rmsNorm(x, layer.postAttentionNorm()), layer));
        }
        return rmsNorm(x, byName.get("model.norm.weight"));
    }

    private NDArray attention(NDArray h, Layer layer, NDArray mask, long batch, long seq) {
        // scaling q instead of the [seq, seq] scores is the same product with fewer multiplications
        double scale = 1.0 / Math.sqrt(config.headDim());
        NDArray q = rotary.apply(heads(linear(h, layer.q()), batch, seq)).mul(scale);
        NDArray k = rotary.apply(heads(linear(h, layer.k()), batch, seq));
        NDArray v = heads(linear(h, layer.v()), batch, seq);
        NDArray probs = q.matMul(k.transpose(0, 1, 3, 2)).add(mask).softmax(3);
        NDArray merged = probs.matMul(v).transpose(0, 2, 1, 3).reshape(batch, seq, config.hiddenSize());
        return linear(merged, layer.o());
    }

    /** SwiGLU: down(silu(gate(h)) * up(h)). */
    private static NDArray mlp(NDArray h, Layer layer) {
        NDArray gate = linear(h, layer.gate());
        NDArray activated = gate.mul(Activation.sigmoid(gate));
        return linear(activated.mul(linear(h, layer.up())), layer.down());
    }

    private NDArray heads(NDArray projected, long batch, long seq) {
        return projected
                .reshape(batch, seq, config.numHeads(), config.headDim())
                .transpose(0, 2, 1, 3);
    }

    private static NDArray linear(NDArray x, NDArray weight) {
        return Linear.linear(x, weight).singletonOrThrow();
    }

    private static NDArray rmsNorm(NDArray x, NDArray weight) {
        NDArray meanSquare = x.square().mean(new int[] {2}, true);
        return x.mul(meanSquare.add(LlamaConfig.RMS_NORM_EPS).pow(-0.5)).mul(weight);
    }

    /** Additive mask, 0 on and below the diagonal and -inf above it, built once per sequence length. */
    private NDArray causalMask(int seq) {
        return masks.computeIfAbsent(seq, n -> {
            double[] values = new double[n * n];
            for (int row = 0; row < n; row++) {
                for (int col = row + 1; col < n; col++) {
                    values[row * n + col] = Double.NEGATIVE_INFINITY;
                }
            }
            return Tensors.create(manager, values, new Shape(n, n), dataType);
        });
    }
}
