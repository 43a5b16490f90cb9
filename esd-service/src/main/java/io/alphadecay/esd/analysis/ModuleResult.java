package io.alphadecay.esd.analysis;

/**
 * One analysed matrix. The JSON shape is the one the control-api stores: status {@code ok}, {@code too-small} or
 * {@code invalid}; the statistics are null unless the status is ok.
 */
public record ModuleResult(String name, Integer layer, String type, int rows, int cols, int numEigs, Double alpha,
        Double xmin, Double ksDistance, Double lambdaMax, Double stableRank, Double logSpectralNorm,
        Double alphaWeighted, String status, Double weightDecay) {

    ModuleResult withWeightDecay(Double decay) {
        return new ModuleResult(name, layer, type, rows, cols, numEigs, alpha, xmin, ksDistance, lambdaMax, stableRank,
                logSpectralNorm, alphaWeighted, status, decay);
    }

    boolean ok() {
        return "ok".equals(status);
    }
}
