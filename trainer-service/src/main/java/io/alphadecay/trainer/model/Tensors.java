package io.alphadecay.trainer.model;

import java.util.SplittableRandom;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/** Creation of constant and random tensors from Java data, so that results do not depend on the engine's RNG. */
final class Tensors {

    private Tensors() {}

    static NDArray create(NDManager manager, double[] values, Shape shape, DataType dataType) {
        if (dataType == DataType.FLOAT64) {
            return manager.create(values, shape);
        }
        requireFloat32(dataType);
        float[] floats = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            floats[i] = (float) values[i];
        }
        return manager.create(floats, shape);
    }

    /**
     * N(0, std) values for one named parameter. The stream depends on the seed and the name only, so adding a
     * layer or reordering parameters leaves the others' values unchanged.
     */
    static NDArray normal(NDManager manager, long seed, String name, Shape shape, double std, DataType dataType) {
        int count = Math.toIntExact(shape.size());
        SplittableRandom random = new SplittableRandom(mix(mix(seed) ^ name.hashCode()));
        if (dataType == DataType.FLOAT64) {
            double[] values = new double[count];
            for (int i = 0; i < count; i++) {
                values[i] = random.nextGaussian() * std;
            }
            return manager.create(values, shape);
        }
        requireFloat32(dataType);
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = (float) (random.nextGaussian() * std);
        }
        return manager.create(values, shape);
    }

    private static void requireFloat32(DataType dataType) {
        if (dataType != DataType.FLOAT32) {
            throw new IllegalArgumentException("unsupported model data type " + dataType);
        }
    }

    /** SplitMix64's finaliser: spreads nearby seeds and name hashes over the whole state space. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
