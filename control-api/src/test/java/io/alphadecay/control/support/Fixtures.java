package io.alphadecay.control.support;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Request bodies the tests share. */
public final class Fixtures {

    private Fixtures() {}

    /** The run body from the API documentation, with the given name. */
    public static Map<String, Object> paperRun(String name) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("preset", "llama-60m");
        body.put("steps", 10000);
        body.put("batchSize", 512);
        body.put("sequenceLength", 256);
        body.put("seed", 1);
        body.put("optimizer", "adamw");
        body.put("learningRate", 0.001);
        body.put("warmupSteps", 1000);
        body.put("weightDecay", 0.1);
        body.put(
                "decay",
                Map.of("policy", "alphadecay", "interval", 500, "s1", 0.6666, "s2", 5, "estimator", "median-hill"));
        body.put("dataset", "default");
        return body;
    }

    public static Map<String, Object> tinyRun(String name) {
        return Map.of("name", name, "preset", "tiny", "steps", 100);
    }

    public static Map<String, Object> module(int layer, String type, double alpha, double weightDecay) {
        String group = type.length() == 1 ? "self_attn" : "mlp";
        Map<String, Object> module = new LinkedHashMap<>();
        module.put("name", "model.layers." + layer + "." + group + "." + type + "_proj.weight");
        module.put("layer", layer);
        module.put("type", type);
        module.put("rows", 64);
        module.put("cols", 64);
        module.put("numEigs", 64);
        module.put("alpha", alpha);
        module.put("xmin", 0.5);
        module.put("ksDistance", 0.05);
        module.put("lambdaMax", 3.0);
        module.put("stableRank", 10.0);
        module.put("logSpectralNorm", Math.log10(3.0));
        module.put("alphaWeighted", alpha * Math.log10(3.0));
        module.put("status", "ok");
        module.put("weightDecay", weightDecay);
        return module;
    }

    public static Map<String, Object> analysis(long step, List<Map<String, Object>> modules) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("step", step);
        body.put("estimator", "median-hill");
        body.put("policy", "alphadecay");
        body.put("wd0", 0.1);
        body.put("s1", 0.6666);
        body.put("s2", 5.0);
        body.put("durationMs", 12.5);
        body.put("modules", new ArrayList<>(modules));
        return body;
    }

    public static Map<String, Object> points(String name, long fromStep, int count, double start) {
        List<Map<String, Object>> points = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            points.add(Map.of("name", name, "step", fromStep + i, "value", start - i * 0.001));
        }
        return Map.of("points", points);
    }
}
