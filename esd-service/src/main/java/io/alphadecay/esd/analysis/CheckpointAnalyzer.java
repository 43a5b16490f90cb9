package io.alphadecay.esd.analysis;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

import io.alphadecay.api.analysis.AnalysisResult;
import io.alphadecay.api.analysis.AnalysisResult.Skipped;
import io.alphadecay.api.analysis.DecayPolicy;
import io.alphadecay.api.analysis.Estimator;
import io.alphadecay.api.analysis.ModuleAnalysis;
import io.alphadecay.api.analysis.ModuleType;
import io.alphadecay.api.model.LlamaModules;
import io.alphadecay.esd.config.EsdProperties;
import io.alphadecay.esd.spectrum.DecayFormula;
import io.alphadecay.esd.spectrum.SpectralStats;
import io.alphadecay.safetensors.CountingInputStream;
import io.alphadecay.safetensors.MalformedCheckpointException;
import io.alphadecay.safetensors.SafetensorsHeader;
import io.alphadecay.safetensors.TensorDecoder;
import io.alphadecay.safetensors.TensorInfo;

/**
 * Analyses a safetensors stream as it arrives: the request thread reads and decodes one tensor while the worker
 * pool computes the spectra of the ones before it. At most {@code workers + 1} decoded matrices of one analysis
 * exist at once, so memory stays bounded by a few tensors whatever the checkpoint's size.
 */
final class CheckpointAnalyzer {

    private static final List<String> TYPE_ORDER = ModuleType.wireNames();

    private final ExecutorService workers;
    private final int inFlightPerAnalysis;
    private final EsdProperties.Analysis settings;
    private final ModuleSpectra spectra;

    CheckpointAnalyzer(ExecutorService workers, EsdProperties.Analysis settings, ModuleSpectra spectra) {
        this.workers = workers;
        this.inFlightPerAnalysis = settings.effectiveWorkers() + 1;
        this.settings = settings;
        this.spectra = spectra;
    }

    /** The spectral statistics of one matrix; a seam so tests can watch how many matrices are in memory. */
    @FunctionalInterface
    interface ModuleSpectra {
        SpectralStats analyze(double[] values, int rows, int cols, Estimator estimator);
    }

    AnalysisResult analyze(InputStream body, AnalysisParameters.Overrides overrides, ModuleSelector selector)
            throws IOException, MalformedCheckpointException, InterruptedException {
        long started = System.nanoTime();
        CountingInputStream in = new CountingInputStream(body);
        SafetensorsHeader header = SafetensorsHeader.read(in, settings.maxHeaderBytes());
        AnalysisParameters params = AnalysisParameters.resolve(header.metadata(), overrides);

        Semaphore slots = new Semaphore(inFlightPerAnalysis);
        List<Future<Computed>> pending = new ArrayList<>();
        List<ModuleAnalysis> direct = new ArrayList<>();
        List<Skipped> skipped = new ArrayList<>();
        try {
            for (TensorInfo tensor : header.tensors()) {
                String reason = skipReason(tensor, selector);
                if (reason != null) {
                    skipped.add(new Skipped(tensor.name(), reason));
                    TensorDecoder.skip(in, tensor);
                    continue;
                }
                int rows = (int) tensor.shape()[0];
                int cols = (int) tensor.shape()[1];
                if (Math.min(rows, cols) < settings.minEigenvalues()
                        || !tensor.dtype().decodable()) {
                    direct.add(unanalysed(tensor, tensor.dtype().decodable() ? "too-small" : "invalid"));
                    TensorDecoder.skip(in, tensor);
                    continue;
                }
                slots.acquire();
                TensorDecoder.Decoded decoded;
                try {
                    decoded = TensorDecoder.decode(in, tensor);
                } catch (IOException | MalformedCheckpointException | RuntimeException ex) {
                    slots.release();
                    throw ex;
                }
                if (!decoded.finite()) {
                    slots.release();
                    direct.add(unanalysed(tensor, "invalid"));
                    continue;
                }
                pending.add(workers.submit(() -> {
                    try {
                        long t0 = System.nanoTime();
                        SpectralStats stats = spectra.analyze(decoded.values(), rows, cols, params.estimator());
                        return new Computed(tensor, stats, (System.nanoTime() - t0) / 1e6);
                    } finally {
                        slots.release();
                    }
                }));
            }
            if (in.read() >= 0) {
                throw new MalformedCheckpointException(
                        "trailing-bytes",
                        "The body continues past the " + header.dataBytes() + " data bytes its header declares");
            }
            List<ModuleAnalysis> modules = new ArrayList<>(direct);
            double compute = 0;
            double slowest = 0;
            for (Future<Computed> future : pending) {
                Computed computed = future.get();
                modules.add(computed.result());
                compute += computed.millis();
                slowest = Math.max(slowest, computed.millis());
            }
            modules = assignDecays(modules, params);
            modules.sort(Comparator.comparing((ModuleAnalysis m) -> m.layer() == null ? Integer.MAX_VALUE : m.layer())
                    .thenComparing(m -> TYPE_ORDER.indexOf(m.type()))
                    .thenComparing(ModuleAnalysis::name));
            double total = (System.nanoTime() - started) / 1e6;
            return new AnalysisResult(
                    params.runId(),
                    params.step(),
                    params.estimator().wireName(),
                    params.policy(),
                    params.wd0(),
                    params.s1(),
                    params.s2(),
                    List.copyOf(modules),
                    List.copyOf(skipped),
                    in.count(),
                    new AnalysisResult.Timings(total, compute, slowest),
                    null);
        } catch (ExecutionException ex) {
            throw new IllegalStateException("A spectral computation failed", ex.getCause());
        } finally {
            pending.forEach(f -> f.cancel(true));
        }
    }

    private String skipReason(TensorInfo tensor, ModuleSelector selector) {
        if (!selector.selects(tensor.name())) {
            return "not selected by the module filter";
        }
        if (!tensor.matrix()) {
            return "not a matrix";
        }
        if (tensor.shape()[0] > Integer.MAX_VALUE || tensor.shape()[1] > Integer.MAX_VALUE) {
            return "too large";
        }
        return null;
    }

    private static ModuleAnalysis unanalysed(TensorInfo tensor, String status) {
        int rows = (int) tensor.shape()[0];
        int cols = (int) tensor.shape()[1];
        return new ModuleAnalysis(
                tensor.name(),
                LlamaModules.layer(tensor.name()),
                LlamaModules.type(tensor.name()).wireName(),
                rows,
                cols,
                Math.min(rows, cols),
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                status,
                null);
    }

    private static List<ModuleAnalysis> assignDecays(List<ModuleAnalysis> modules, AnalysisParameters params) {
        double[] alphas = modules.stream()
                .filter(ModuleAnalysis::ok)
                .mapToDouble(ModuleAnalysis::alpha)
                .toArray();
        double[] decays = DecayPolicy.of(params.policy()) == DecayPolicy.UNIFORM
                ? DecayFormula.uniform(alphas.length, params.wd0())
                : DecayFormula.alphaDecay(alphas, params.wd0(), params.s1(), params.s2());
        List<ModuleAnalysis> assigned = new ArrayList<>(modules.size());
        int next = 0;
        for (ModuleAnalysis module : modules) {
            assigned.add(module.ok() ? module.withWeightDecay(decays[next++]) : module);
        }
        return assigned;
    }

    /** A finished spectral computation of one module. */
    private record Computed(TensorInfo tensor, SpectralStats stats, double millis) {

        ModuleAnalysis result() {
            int rows = (int) tensor.shape()[0];
            int cols = (int) tensor.shape()[1];
            String name = tensor.name();
            if (!Double.isFinite(stats.alpha())) {
                return new ModuleAnalysis(
                        name,
                        LlamaModules.layer(name),
                        LlamaModules.type(name).wireName(),
                        rows,
                        cols,
                        stats.numEigs(),
                        null,
                        null,
                        null,
                        finite(stats.lambdaMax()),
                        finite(stats.stableRank()),
                        finite(stats.logSpectralNorm()),
                        null,
                        "invalid",
                        null);
            }
            return new ModuleAnalysis(
                    name,
                    LlamaModules.layer(name),
                    LlamaModules.type(name).wireName(),
                    rows,
                    cols,
                    stats.numEigs(),
                    stats.alpha(),
                    stats.xmin(),
                    finite(stats.ksDistance()),
                    stats.lambdaMax(),
                    finite(stats.stableRank()),
                    finite(stats.logSpectralNorm()),
                    finite(stats.alphaWeighted()),
                    "ok",
                    null);
        }

        private static Double finite(double value) {
            return Double.isFinite(value) ? value : null;
        }
    }
}
