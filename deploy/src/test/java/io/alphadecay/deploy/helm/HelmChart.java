package io.alphadecay.deploy.helm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

import com.marcnuri.helm.DryRun;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;

/** The chart in a folder, driven through helm-java (Helm's own code, loaded as a native library). */
final class HelmChart {

    static final String RELEASE = "ad";
    static final String NAMESPACE = "training";
    // helm template assumes Kubernetes 1.20 otherwise, older than the chart's kubeVersion allows.
    static final String KUBE_VERSION = "1.31.0";

    private final Path folder;

    HelmChart(Path folder) {
        this.folder = folder;
    }

    Path folder() {
        return folder;
    }

    Manifests template(Path valuesFile, Map<String, ?> set) {
        TemplateCommand command = new Helm(folder)
                .template()
                .withName(RELEASE)
                .withNamespace(NAMESPACE)
                .withKubeVersion(KUBE_VERSION);
        if (valuesFile != null) {
            command = command.withValuesFile(valuesFile);
        }
        for (Map.Entry<String, ?> value : set.entrySet()) {
            command = command.set(value.getKey(), value.getValue());
        }
        return Manifests.parse(command.call());
    }

    Manifests template(Path valuesFile) {
        return template(valuesFile, Map.of());
    }

    LintResult lintStrict() {
        return new Helm(folder).lint().strict().call();
    }

    /** The release notes of a client-side dry-run install (NOTES.txt rendered). */
    String notes(Path valuesFile) {
        var install = new Helm(folder)
                .install()
                .withName(RELEASE)
                .withNamespace(NAMESPACE)
                .withKubeVersion(KUBE_VERSION)
                .dryRun()
                .withDryRunOption(DryRun.CLIENT)
                .clientOnly();
        if (valuesFile != null) {
            install = install.withValuesFile(valuesFile);
        }
        String output = install.call().getOutput();
        return output.substring(output.indexOf("NOTES:"));
    }

    /** A copy of the chart in another folder, to change it without touching the original. */
    HelmChart copyTo(Path target) {
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path source : (Iterable<Path>) files::iterator) {
                Path copy = target.resolve(folder.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(copy);
                } else {
                    Files.copy(source, copy);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new HelmChart(target);
    }

    /** Helm's merge of a values file over the defaults: maps merge key by key, anything else is replaced. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> merge(Map<String, Object> base, Map<String, Object> override) {
        Map<String, Object> merged = new LinkedHashMap<>(base);
        override.forEach((key, value) -> {
            if (value instanceof Map<?, ?> overrideMap && merged.get(key) instanceof Map<?, ?> baseMap) {
                merged.put(key, merge((Map<String, Object>) baseMap, (Map<String, Object>) overrideMap));
            } else {
                merged.put(key, value);
            }
        });
        return merged;
    }
}
