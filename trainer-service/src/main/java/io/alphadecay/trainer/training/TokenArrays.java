package io.alphadecay.trainer.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/** Token-id rows as the int64 array the model reads. */
final class TokenArrays {

    private TokenArrays() {}

    static NDArray of(NDManager scope, int[][] rows) {
        int width = rows[0].length;
        long[] flat = new long[rows.length * width];
        for (int r = 0; r < rows.length; r++) {
            for (int c = 0; c < width; c++) {
                flat[r * width + c] = rows[r][c];
            }
        }
        return scope.create(flat, new Shape(rows.length, width));
    }
}
