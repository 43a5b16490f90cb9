package io.alphadecay.deploy.helm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** The objects of one rendering of the chart, parsed from Helm's YAML stream. */
record Manifests(List<Map<String, Object>> objects) {

    static Manifests parse(String yaml) {
        List<Map<String, Object>> objects = new ArrayList<>();
        for (Object document : yaml().loadAll(yaml)) {
            if (document != null) {
                objects.add(map(document));
            }
        }
        return new Manifests(List.copyOf(objects));
    }

    static Yaml yaml() {
        return new Yaml(new SafeConstructor(new LoaderOptions()));
    }

    List<Map<String, Object>> ofKind(String kind) {
        return objects.stream().filter(o -> kind.equals(o.get("kind"))).toList();
    }

    Optional<Map<String, Object>> find(String kind, String name) {
        return ofKind(kind).stream()
                .filter(o -> name.equals(at(o, "metadata.name")))
                .findFirst();
    }

    Map<String, Object> get(String kind, String name) {
        Optional<Map<String, Object>> found = find(kind, name);
        assertThat(found).as("%s %s among %s", kind, name, names()).isPresent();
        return found.get();
    }

    List<String> names() {
        return objects.stream()
                .map(o -> o.get("kind") + "/" + at(o, "metadata.name"))
                .toList();
    }

    /** The pod specs of every workload (and of bare pods). */
    List<Map<String, Object>> podSpecs() {
        return objects.stream()
                .flatMap(o -> switch (String.valueOf(o.get("kind"))) {
                    case "Deployment", "StatefulSet", "DaemonSet", "Job" -> Stream.of(map(at(o, "spec.template.spec")));
                    case "Pod" -> Stream.of(map(o.get("spec")));
                    default -> Stream.empty();
                })
                .toList();
    }

    static Map<String, Object> podSpec(Map<String, Object> workload) {
        return map(at(workload, "spec.template.spec"));
    }

    static List<Map<String, Object>> containers(Map<String, Object> podSpec) {
        List<Map<String, Object>> all = new ArrayList<>();
        for (String field : List.of("initContainers", "containers")) {
            if (podSpec.get(field) != null) {
                list(podSpec.get(field)).forEach(c -> all.add(map(c)));
            }
        }
        return all;
    }

    /** The single container of a workload. */
    static Map<String, Object> container(Map<String, Object> workload) {
        List<Object> containers = list(podSpec(workload).get("containers"));
        assertThat(containers).hasSize(1);
        return map(containers.get(0));
    }

    static List<Map<String, Object>> env(Map<String, Object> container) {
        return container.get("env") == null
                ? List.of()
                : list(container.get("env")).stream().map(Manifests::map).toList();
    }

    static Map<String, Object> envVar(Map<String, Object> container, String name) {
        Optional<Map<String, Object>> found =
                env(container).stream().filter(e -> name.equals(e.get("name"))).findFirst();
        assertThat(found)
                .as("%s in the environment of %s", name, container.get("name"))
                .isPresent();
        return found.get();
    }

    static String envValue(Map<String, Object> container, String name) {
        Object value = envVar(container, name).get("value");
        assertThat(value).as("plain value of %s", name).isInstanceOf(String.class);
        return (String) value;
    }

    /** A value by dotted path; keys holding dots are not reachable this way (use map() on the parent). */
    static Object at(Object root, String path) {
        Object current = root;
        for (String key : path.split("\\.")) {
            if (!(current instanceof Map<?, ?> node)) {
                return null;
            }
            current = node.get(key);
        }
        return current;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object value) {
        assertThat(value).isInstanceOf(Map.class);
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object value) {
        assertThat(value).isInstanceOf(List.class);
        return (List<Object>) value;
    }

    static String dump(Object value) {
        return yaml().dump(value);
    }
}
