package io.alphadecay.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;

/** In-place copies into long-lived arrays (parameters, optimizer moments) for restoring checkpoints. */
public final class ArrayCopy {

    private ArrayCopy() {}

    /**
     * Overwrites target's values with source's, converted to target's device and data type; shapes must match.
     * The target keeps its identity, so references held by an optimizer or a trainer stay valid.
     */
    public static void into(NDArray target, NDArray source) {
        if (!target.getShape().equals(source.getShape())) {
            throw new IllegalArgumentException("shape " + source.getShape() + " does not match " + target.getShape());
        }
        NDArray onDevice = source.toDevice(target.getDevice(), false);
        NDArray converted = onDevice.toType(target.getDataType(), false);
        // writing through a detached view is allowed even where autograd is on for this thread
        try (NDArray view = target.stopGradient()) {
            view.set(new NDIndex("..."), converted);
        } finally {
            if (converted != onDevice) {
                converted.close();
            }
            if (onDevice != source) {
                onDevice.close();
            }
        }
    }
}
