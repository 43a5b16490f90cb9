package io.alphadecay.trainer.optim;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import io.alphadecay.trainer.model.ArrayCopy;
import io.alphadecay.trainer.model.NamedParameter;

/**
 * Adam or AdamW with a weight decay per parameter. Decays may change between steps; the moments stay.
 *
 * <p>The update is the engine's fused Adam kernel, the one DJL's built-in {@code Adam}/{@code AdamW} call, invoked
 * once per parameter with that parameter's decay, so with equal decays this optimizer computes exactly what DJL's
 * does. Like DJL, ε is added to √v before the bias correction of the step size, which differs from the textbook
 * form only by ε·√(1−β₂ᵗ). The kernel zeroes each parameter's gradient after its update. Not thread-safe.
 */
public final class ModuleWiseAdam implements AutoCloseable {

    public static final float DEFAULT_BETA1 = 0.9f;
    public static final float DEFAULT_BETA2 = 0.999f;
    public static final float DEFAULT_EPSILON = 1e-8f;

    /** Checkpoint names: moments are tensors, step, mode and decays are safetensors metadata. */
    public static final String FIRST_MOMENT_PREFIX = "optimizer.exp_avg.";

    public static final String SECOND_MOMENT_PREFIX = "optimizer.exp_avg_sq.";
    public static final String STEP_KEY = "optimizer.step";
    public static final String MODE_KEY = "optimizer.mode";
    public static final String DECAY_PREFIX = "optimizer.weight_decay.";

    private final List<NamedParameter> parameters;
    private final AdamMode mode;
    private final float beta1;
    private final float beta2;
    private final float epsilon;
    private final NDManager manager;
    private final Map<String, NDArray> firstMoments = new LinkedHashMap<>();
    private final Map<String, NDArray> secondMoments = new LinkedHashMap<>();
    private final Map<String, Float> decays = new LinkedHashMap<>();
    private long step;

    public ModuleWiseAdam(List<NamedParameter> parameters, AdamMode mode, float weightDecay) {
        this(parameters, mode, weightDecay, DEFAULT_BETA1, DEFAULT_BETA2, DEFAULT_EPSILON);
    }

    public ModuleWiseAdam(
            List<NamedParameter> parameters,
            AdamMode mode,
            float weightDecay,
            float beta1,
            float beta2,
            float epsilon) {
        if (parameters.isEmpty()) {
            throw new IllegalArgumentException("no parameters to optimize");
        }
        if (!(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1 && epsilon > 0)) {
            throw new IllegalArgumentException("need 0 <= betas < 1 and epsilon > 0");
        }
        requireValidDecay("weightDecay", weightDecay);
        this.parameters = List.copyOf(parameters);
        this.mode = mode;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
        // moments live beside the parameters (same device) and die with them at the latest
        this.manager = this.parameters.get(0).array().getManager().newSubManager();
        for (NamedParameter parameter : this.parameters) {
            NDArray weight = parameter.array();
            if (decays.containsKey(parameter.name())) {
                manager.close();
                throw new IllegalArgumentException("duplicate parameter " + parameter.name());
            }
            decays.put(parameter.name(), weightDecay);
            firstMoments.put(parameter.name(), manager.zeros(weight.getShape(), weight.getDataType()));
            secondMoments.put(parameter.name(), manager.zeros(weight.getShape(), weight.getDataType()));
        }
    }

    public AdamMode mode() {
        return mode;
    }

    /** Number of steps taken so far (t of the bias correction is this plus one at the next step). */
    public long stepCount() {
        return step;
    }

    public float decay(String name) {
        Float decay = decays.get(name);
        if (decay == null) {
            throw new IllegalArgumentException("unknown parameter " + name);
        }
        return decay;
    }

    public Map<String, Float> decays() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(decays));
    }

    public void setDecay(String name, float weightDecay) {
        setDecays(Map.of(name, weightDecay));
    }

    /** Sets the decays of the named parameters, leaving the others; all are checked before any is applied. */
    public void setDecays(Map<String, Float> newDecays) {
        TreeSet<String> unknown = new TreeSet<>(newDecays.keySet());
        unknown.removeAll(decays.keySet());
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown parameters " + unknown);
        }
        newDecays.forEach((name, decay) -> requireValidDecay(name, decay == null ? Float.NaN : decay));
        decays.putAll(newDecays);
    }

    /** One update of every parameter from its current gradient, which is then zero. */
    public void step(float learningRate) {
        if (!(learningRate >= 0 && Float.isFinite(learningRate))) {
            throw new IllegalArgumentException("learning rate must be finite and >= 0, was " + learningRate);
        }
        step++;
        double correction1 = 1.0 - Math.pow(beta1, step);
        double correction2 = 1.0 - Math.pow(beta2, step);
        float correctedRate = (float) (learningRate * Math.sqrt(correction2) / correction1);
        try (NDManager scope = manager.newSubManager()) {
            for (NamedParameter parameter : parameters) {
                NDArray weight = parameter.array();
                NDArray gradient = weight.getGradient();
                gradient.attach(scope);
                NDList inputs = new NDList(
                        weight, gradient, firstMoments.get(parameter.name()), secondMoments.get(parameter.name()));
                weight.getNDArrayInternal()
                        .adamUpdate(
                                inputs,
                                new NDList(weight),
                                learningRate,
                                correctedRate,
                                decays.get(parameter.name()),
                                1f,
                                -1f,
                                beta1,
                                beta2,
                                epsilon,
                                true,
                                mode == AdamMode.ADAMW);
            }
        }
    }

    /**
     * Drops the current gradients without an update (for a step whose loss or gradients are not finite): the
     * weights, moments, step count and decays stay as they were, and every gradient is zero again.
     */
    public void skipStep() {
        try (NDManager scope = manager.newSubManager()) {
            for (NamedParameter parameter : parameters) {
                NDArray gradient = parameter.array().getGradient();
                gradient.attach(scope);
                // set, not multiply: 0 × NaN is NaN
                gradient.set(new NDIndex("..."), 0);
            }
        }
    }

    /** The moments under their checkpoint names, as live views: write them out before the next step. */
    public List<NamedParameter> stateTensors() {
        List<NamedParameter> tensors = new ArrayList<>(2 * parameters.size());
        for (NamedParameter parameter : parameters) {
            tensors.add(new NamedParameter(FIRST_MOMENT_PREFIX + parameter.name(), firstMoments.get(parameter.name())));
            tensors.add(
                    new NamedParameter(SECOND_MOMENT_PREFIX + parameter.name(), secondMoments.get(parameter.name())));
        }
        return tensors;
    }

    /** Step, mode and every decay as safetensors metadata strings. */
    public Map<String, String> stateMetadata() {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put(STEP_KEY, Long.toString(step));
        metadata.put(MODE_KEY, mode.wireName());
        decays.forEach((name, decay) -> metadata.put(DECAY_PREFIX + name, Float.toString(decay)));
        return metadata;
    }

    /**
     * Restores what {@link #stateTensors()} and {@link #stateMetadata()} saved. Everything is checked before
     * anything is changed; extra entries (such as model weights in the same file) are ignored.
     */
    public void restore(Map<String, String> metadata, Map<String, NDArray> tensors) {
        String savedMode = metadata.get(MODE_KEY);
        if (savedMode == null || AdamMode.parse(savedMode) != mode) {
            throw new IllegalArgumentException("checkpoint optimizer mode " + savedMode + " is not " + mode.wireName());
        }
        long savedStep = parseStep(metadata.get(STEP_KEY));
        Map<String, Float> savedDecays = new LinkedHashMap<>();
        for (NamedParameter parameter : parameters) {
            String raw = metadata.get(DECAY_PREFIX + parameter.name());
            float decay = parseDecay(parameter.name(), raw);
            savedDecays.put(parameter.name(), decay);
            for (String prefix : List.of(FIRST_MOMENT_PREFIX, SECOND_MOMENT_PREFIX)) {
                NDArray saved = tensors.get(prefix + parameter.name());
                if (saved == null || !saved.getShape().equals(parameter.array().getShape())) {
                    throw new IllegalArgumentException("checkpoint lacks " + prefix + parameter.name() + " of shape "
                            + parameter.array().getShape());
                }
            }
        }
        for (NamedParameter parameter : parameters) {
            ArrayCopy.into(firstMoments.get(parameter.name()), tensors.get(FIRST_MOMENT_PREFIX + parameter.name()));
            ArrayCopy.into(secondMoments.get(parameter.name()), tensors.get(SECOND_MOMENT_PREFIX + parameter.name()));
        }
        decays.putAll(savedDecays);
        step = savedStep;
    }

    @Override
    public void close() {
        manager.close();
    }

    private static long parseStep(String raw) {
        try {
            long parsed = Long.parseLong(raw == null ? "" : raw.trim());
            if (parsed >= 0) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below with the key's name
        }
        throw new IllegalArgumentException(STEP_KEY + " is not a step count: " + raw);
    }

    private static float parseDecay(String name, String raw) {
        try {
            float decay = Float.parseFloat(raw == null ? "" : raw.trim());
            requireValidDecay(name, decay);
            return decay;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(DECAY_PREFIX + name + " is not a weight decay: " + raw, e);
        }
    }

    private static void requireValidDecay(String name, float decay) {
        if (!(decay >= 0 && Float.isFinite(decay))) {
            throw new IllegalArgumentException("weight decay of " + name + " must be finite and >= 0, was " + decay);
        }
    }
}
