package io.alphadecay.trainer.model;

import java.util.HashMap;
import java.util.Map;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Rotary position embeddings in HuggingFace's rotate_half layout: frequency i of a head pairs element i with element
 * i + d/2. The cos/sin tables are built once per sequence length on the model's manager and reused by every step.
 * Not thread-safe, like the model that owns it.
 */
public final class RotaryEmbedding {

    private final NDManager manager;
    private final int headDim;
    private final double theta;
    private final DataType dataType;
    private final Map<Integer, NDList> tables = new HashMap<>();

    RotaryEmbedding(NDManager manager, int headDim, double theta, DataType dataType) {
        this.manager = manager;
        this.headDim = headDim;
        this.theta = theta;
        this.dataType = dataType;
    }

    /** Rotates x of shape [..., seq, headDim] by positions 0..seq-1; the result lives on x's manager. */
    public NDArray apply(NDArray x) {
        long seq = x.getShape().get(x.getShape().dimension() - 2);
        NDList table = table(Math.toIntExact(seq));
        return x.mul(table.get(0)).add(rotateHalf(x).mul(table.get(1)));
    }

    /** cat(-x2, x1) over the last axis, where x1 and x2 are its two halves. */
    public static NDArray rotateHalf(NDArray x) {
        // DJL's split does not take negative axes
        int last = x.getShape().dimension() - 1;
        NDList halves = x.split(2, last);
        return halves.get(1).neg().concat(halves.get(0), last);
    }

    private NDList table(int seq) {
        return tables.computeIfAbsent(seq, this::buildTable);
    }

    private NDList buildTable(int seq) {
        int half = headDim / 2;
        double[] cos = new double[seq * headDim];
        double[] sin = new double[seq * headDim];
        for (int pos = 0; pos < seq; pos++) {
            for (int i = 0; i < half; i++) {
                double angle = pos * Math.pow(theta, -2.0 * i / headDim);
                double c = Math.cos(angle);
                double s = Math.sin(angle);
                // emb = cat(freqs, freqs): both halves of a head share frequency i
                cos[pos * headDim + i] = c;
                cos[pos * headDim + half + i] = c;
                sin[pos * headDim + i] = s;
                sin[pos * headDim + half + i] = s;
            }
        }
        Shape shape = new Shape(seq, headDim);
        return new NDList(Tensors.create(manager, cos, shape, dataType), Tensors.create(manager, sin, shape, dataType));
    }
}
