package io.alphadecay.trainer.training;

/**
 * Decides what a step does when its loss or gradient norm is not finite: the update is skipped and training goes
 * on with the next batch, as mixed-precision trainers do with overflowing steps, so one bad batch costs a step and
 * not the run. A run that keeps producing them has diverged: the {@code limit}-th such step in a row fails it.
 */
final class NonFiniteSteps {

    private final int limit;
    private int inARow;
    private long firstOfRow;
    private long total;

    NonFiniteSteps(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, was " + limit);
        }
        this.limit = limit;
    }

    /**
     * Whether the update of {@code step} (numbered from 1) must be skipped.
     *
     * @throws ArithmeticException when this is the {@code limit}-th non-finite step in a row
     */
    boolean skip(long step, double loss, double gradientNorm) {
        if (Double.isFinite(loss) && Double.isFinite(gradientNorm)) {
            inARow = 0;
            return false;
        }
        if (inARow == 0) {
            firstOfRow = step;
        }
        inARow++;
        total++;
        if (inARow >= limit) {
            throw new ArithmeticException("the training loss or gradients were not finite at " + limit
                    + " steps in a row (steps " + firstOfRow + " to " + step + "; at the last, loss " + loss
                    + " and gradient norm " + gradientNorm + "): the run has diverged");
        }
        return true;
    }

    /** Steps skipped so far in this process. */
    long skipped() {
        return total;
    }
}
