package io.alphadecay.trainer.optim;

import java.util.List;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.alphadecay.trainer.model.NamedParameter;

/** Global-norm clipping of the gradients of a parameter list, as PyTorch's clip_grad_norm_. */
public final class GradientClipping {

    private GradientClipping() {}

    /**
     * Scales every gradient by maxNorm / (norm + 1e-6) when the global L2 norm exceeds maxNorm, and returns the
     * norm before clipping. A maxNorm that is not positive and finite only measures. A non-finite norm is returned
     * with the gradients left as they are, for the caller to skip or stop.
     */
    public static double clipGlobalNorm(List<NamedParameter> parameters, double maxNorm) {
        if (parameters.isEmpty()) {
            return 0.0;
        }
        try (NDManager scope = parameters.get(0).array().getManager().newSubManager()) {
            NDList gradients = new NDList(parameters.size());
            NDList squares = new NDList(parameters.size());
            for (NamedParameter parameter : parameters) {
                NDArray gradient = parameter.array().getGradient();
                gradient.attach(scope);
                gradients.add(gradient);
                squares.add(gradient.square().sum().toType(DataType.FLOAT64, false));
            }
            // one device-to-host transfer for the whole model
            double norm = Math.sqrt(NDArrays.stack(squares).sum().getDouble());
            if (maxNorm > 0 && Double.isFinite(maxNorm) && Double.isFinite(norm) && norm > maxNorm) {
                double scale = maxNorm / (norm + 1e-6);
                for (NDArray gradient : gradients) {
                    gradient.muli(scale);
                }
            }
            return norm;
        }
    }
}
