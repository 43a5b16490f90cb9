package io.alphadecay.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import io.alphadecay.api.run.RunConfig;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Run configurations written by people: a JSON or YAML file (JSON is YAML too, so one parser reads both), checked
 * against the run configuration's fields before anything is sent, so a misspelt field is named at once.
 */
public final class RunFiles {

    private static final JsonMapper STRICT = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private RunFiles() {}

    /** The run configuration in {@code file}, or in standard input for {@code -}. */
    public static RunConfig read(Path file) {
        String text;
        try {
            text = file.toString().equals("-") ? readAll(System.in) : Files.readString(file);
        } catch (IOException ex) {
            throw new CliFailure("cannot read the run file " + file + " (" + ex.getMessage() + ")");
        }
        Object root;
        try {
            root = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
        } catch (YAMLException ex) {
            throw new CliFailure("the run file " + file + " is neither JSON nor YAML: " + firstLine(ex.getMessage()));
        }
        if (!(root instanceof Map<?, ?> map)) {
            throw new CliFailure("the run file " + file + " must hold one object (name, preset, steps, …)");
        }
        try {
            return config(map);
        } catch (CliFailure ex) {
            throw new CliFailure("the run file " + file + ": " + ex.getMessage());
        }
    }

    /** A configuration given as a map (a grid cell, a parsed file) as the record the API takes. */
    public static RunConfig config(Map<?, ?> config) {
        try {
            return STRICT.convertValue(config, RunConfig.class);
        } catch (JacksonException ex) {
            throw new CliFailure(firstLine(ex.getOriginalMessage()));
        }
    }

    private static String readAll(InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
