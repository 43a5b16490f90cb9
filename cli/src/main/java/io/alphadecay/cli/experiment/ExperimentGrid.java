package io.alphadecay.cli.experiment;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import io.alphadecay.api.analysis.DecayPolicy;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;
import tools.jackson.databind.json.JsonMapper;

/**
 * An experiment grid: a base run configuration and the policies, initial weight decays (wd0) and seeds to cross
 * it with. Parsing checks everything the harness can check on its own, so that a typo fails before a run is made;
 * the control-api still validates each run's configuration.
 */
record ExperimentGrid(
        String name,
        Map<String, Object> base,
        List<String> policies,
        List<Double> weightDecays,
        List<Long> seeds,
        String text) {

    private static final String NONE = DecayPolicy.NONE.wireName();
    private static final Set<String> KEYS = Set.of("name", "base", "policies", "weightDecays", "seeds");
    private static final JsonMapper CANONICAL = JsonMapper.builder().build();

    /** One run of the grid. {@code none} runs have wd0 0 whatever the grid's weight decays. */
    record Cell(String policy, double wd0, long seed) {

        String runName(String grid) {
            return grid + "-" + policy + "-wd" + number(wd0) + "-s" + seed;
        }
    }

    /** A grid file that cannot be run, with one line saying where and why. */
    static final class GridException extends Exception {

        GridException(Path file, String key, String problem) {
            super(file + ": " + key + ": " + problem);
        }
    }

    static ExperimentGrid parse(Path file) throws GridException {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException ex) {
            throw new GridException(file, "(file)", "cannot be read (" + ex.getMessage() + ")");
        }
        return parse(file, text);
    }

    static ExperimentGrid parse(Path file, String text) throws GridException {
        Object root;
        try {
            root = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
        } catch (YAMLException ex) {
            throw new GridException(
                    file,
                    "(file)",
                    "is not valid YAML: " + ex.getMessage().lines().findFirst().orElse(""));
        }
        if (!(root instanceof Map<?, ?> map)) {
            throw new GridException(
                    file, "(file)", "must be a YAML mapping with name, base, policies, " + "weightDecays and seeds");
        }
        for (Object key : map.keySet()) {
            if (!KEYS.contains(String.valueOf(key))) {
                throw new GridException(
                        file,
                        String.valueOf(key),
                        "unknown key (allowed: name, base, policies, " + "weightDecays, seeds)");
            }
        }
        String name = name(file, map.get("name"));
        Map<String, Object> base = base(file, map.get("base"));
        List<String> policies = policies(file, map.get("policies"));
        boolean decays = policies.stream().anyMatch(p -> !NONE.equals(p));
        List<Double> weightDecays = weightDecays(file, map.get("weightDecays"), decays);
        List<Long> seeds = seeds(file, map.get("seeds"));
        return new ExperimentGrid(name, base, policies, weightDecays, seeds, text);
    }

    /** Every run of the grid, policy by policy, then wd0, then seed. */
    List<Cell> cells() {
        List<Cell> cells = new ArrayList<>();
        for (String policy : policies) {
            List<Double> decays = NONE.equals(policy) ? List.of(0.0) : weightDecays;
            for (double wd0 : decays) {
                for (long seed : seeds) {
                    cells.add(new Cell(policy, wd0, seed));
                }
            }
        }
        return cells;
    }

    /** The run configuration of a cell: the base with the cell's name, seed, wd0 and policy set. */
    Map<String, Object> config(Cell cell) {
        Map<String, Object> config = new LinkedHashMap<>(base);
        config.put("name", cell.runName(name));
        config.put("seed", cell.seed());
        config.put("weightDecay", cell.wd0());
        @SuppressWarnings("unchecked")
        Map<String, Object> decay =
                new LinkedHashMap<>(base.get("decay") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of());
        decay.put("policy", cell.policy());
        config.put("decay", decay);
        return config;
    }

    /**
     * The Idempotency-Key of a cell: the grid, the cell and a hash of its resolved configuration. The same grid
     * run again finds its runs; a changed base or a changed cell makes new ones.
     */
    String idempotencyKey(Cell cell) {
        return "experiment:" + name + ":" + cell.policy() + ":wd" + number(cell.wd0()) + ":s" + cell.seed() + ":"
                + sha256(canonical(config(cell))).substring(0, 16);
    }

    /** A number as written by people: 0.1, not 0.10000 or 1.0E-1. */
    static String number(double value) {
        BigDecimal decimal = BigDecimal.valueOf(value).stripTrailingZeros();
        return decimal.scale() < 0 ? decimal.setScale(0).toPlainString() : decimal.toPlainString();
    }

    /** JSON with the keys of every object sorted, so that the hash does not depend on the order in the file. */
    static String canonical(Object value) {
        return CANONICAL.writeValueAsString(sorted(value));
    }

    private static Object sorted(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> sorted = new TreeMap<>();
            map.forEach((k, v) -> sorted.put(String.valueOf(k), sorted(v)));
            return sorted;
        }
        if (value instanceof List<?> list) {
            return list.stream().map(ExperimentGrid::sorted).toList();
        }
        return value;
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static String name(Path file, Object value) throws GridException {
        if (value == null) {
            throw new GridException(file, "name", "is required (it names the runs and the results folder)");
        }
        String name = String.valueOf(value);
        // It becomes part of run names, of the Idempotency-Key and of a folder name.
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,99}")) {
            throw new GridException(
                    file,
                    "name",
                    "must be 1–100 letters, digits or ._- starting with a letter or " + "digit (got '" + name + "')");
        }
        return name;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> base(Path file, Object value) throws GridException {
        if (value == null) {
            return Map.of();
        }
        if (!(value instanceof Map<?, ?> map)) {
            throw new GridException(file, "base", "must be a mapping of run configuration fields");
        }
        for (String owned : List.of("name", "seed", "weightDecay")) {
            if (map.containsKey(owned)) {
                throw new GridException(
                        file,
                        "base." + owned,
                        "is set by the grid for each run; leave it out of "
                                + "base (seeds and weightDecays choose it)");
            }
        }
        Object decay = map.get("decay");
        if (decay != null && !(decay instanceof Map<?, ?>)) {
            throw new GridException(file, "base.decay", "must be a mapping (interval, s1, s2, estimator)");
        }
        if (decay instanceof Map<?, ?> d && d.containsKey("policy")) {
            throw new GridException(
                    file,
                    "base.decay.policy",
                    "is set by the grid for each run; list the " + "policies under policies");
        }
        return (Map<String, Object>) map;
    }

    private static List<String> policies(Path file, Object value) throws GridException {
        List<?> list = list(file, "policies", value);
        Set<String> policies = new LinkedHashSet<>();
        for (int i = 0; i < list.size(); i++) {
            String policy = String.valueOf(list.get(i));
            if (!DecayPolicy.wireNames().contains(policy)) {
                throw new GridException(
                        file, "policies[" + i + "]", "must be " + DecayPolicy.NAMES + " (got '" + policy + "')");
            }
            if (!policies.add(policy)) {
                throw new GridException(file, "policies[" + i + "]", "'" + policy + "' is listed twice");
            }
        }
        return List.copyOf(policies);
    }

    private static List<Double> weightDecays(Path file, Object value, boolean needed) throws GridException {
        if (value == null && !needed) {
            return List.of();
        }
        List<?> list = list(file, "weightDecays", value);
        List<Double> decays = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            if (!(list.get(i) instanceof Number number)
                    || !Double.isFinite(number.doubleValue())
                    || number.doubleValue() < 0
                    || number.doubleValue() > 10) {
                throw new GridException(
                        file, "weightDecays[" + i + "]", "must be a number from 0 to 10 (got '" + list.get(i) + "')");
            }
            if (decays.contains(number.doubleValue())) {
                throw new GridException(file, "weightDecays[" + i + "]", number + " is listed twice");
            }
            decays.add(number.doubleValue());
        }
        return List.copyOf(decays);
    }

    private static List<Long> seeds(Path file, Object value) throws GridException {
        List<?> list = list(file, "seeds", value);
        List<Long> seeds = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            Object seed = list.get(i);
            if (!(seed instanceof Integer || seed instanceof Long) || ((Number) seed).longValue() < 0) {
                throw new GridException(file, "seeds[" + i + "]", "must be a whole number ≥ 0 (got '" + seed + "')");
            }
            if (seeds.contains(((Number) seed).longValue())) {
                throw new GridException(file, "seeds[" + i + "]", seed + " is listed twice");
            }
            seeds.add(((Number) seed).longValue());
        }
        return List.copyOf(seeds);
    }

    private static List<?> list(Path file, String key, Object value) throws GridException {
        if (value == null) {
            throw new GridException(file, key, "is required");
        }
        if (!(value instanceof List<?> list) || list.isEmpty()) {
            throw new GridException(file, key, "must be a non-empty list, e.g. [a, b]");
        }
        return list;
    }
}
