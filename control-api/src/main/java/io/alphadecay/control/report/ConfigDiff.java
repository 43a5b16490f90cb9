package io.alphadecay.control.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

import tools.jackson.databind.JsonNode;

/**
 * The configurations of several runs flattened to dotted keys ({@code decay.policy}) and split into the keys whose
 * values differ and those all runs share. A key a run lacks (an {@code architecture} of one custom run) counts as
 * different, with a null value for that run. The run name is left out: it always differs and the report shows it.
 */
record ConfigDiff(Map<String, List<String>> differing, Map<String, String> shared) {

    private static final String IGNORED = "name";

    static ConfigDiff of(List<JsonNode> configs) {
        List<Map<String, String>> flat =
                configs.stream().map(ConfigDiff::flatten).toList();
        TreeSet<String> keys = new TreeSet<>();
        flat.forEach(f -> keys.addAll(f.keySet()));
        keys.remove(IGNORED);
        Map<String, List<String>> differing = new LinkedHashMap<>();
        Map<String, String> shared = new LinkedHashMap<>();
        for (String key : keys) {
            List<String> values = new ArrayList<>();
            flat.forEach(f -> values.add(f.get(key)));
            if (values.stream().allMatch(v -> v != null && Objects.equals(v, values.get(0)))) {
                shared.put(key, values.get(0));
            } else {
                differing.put(key, values);
            }
        }
        return new ConfigDiff(differing, shared);
    }

    static Map<String, String> flatten(JsonNode config) {
        Map<String, String> flat = new TreeMap<>();
        flatten("", config, flat);
        return flat;
    }

    private static void flatten(String prefix, JsonNode node, Map<String, String> flat) {
        if (node.isObject()) {
            node.properties()
                    .forEach(e ->
                            flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), flat));
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                flatten(prefix + "[" + i + "]", node.get(i), flat);
            }
        } else if (!prefix.isEmpty()) {
            flat.put(prefix, node.isString() ? node.asString() : node.toString());
        }
    }
}
