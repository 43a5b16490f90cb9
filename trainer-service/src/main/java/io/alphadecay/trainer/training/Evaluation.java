package io.alphadecay.trainer.training;

import java.util.List;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.alphadecay.trainer.model.LlamaModel;

/** The mean token loss over fixed held-out batches, without gradients: the same batches at every evaluation. */
final class Evaluation {

    private final List<int[][]> batches;

    Evaluation(List<int[][]> batches) {
        this.batches = List.copyOf(batches);
    }

    double loss(LlamaModel model, NDManager manager) {
        double sum = 0;
        for (int[][] batch : batches) {
            try (NDManager scope = manager.newSubManager()) {
                NDArray all = TokenArrays.of(scope, batch);
                sum += model.loss(all.get(":, :-1"), all.get(":, 1:")).getFloat();
            }
        }
        return sum / batches.size();
    }
}
