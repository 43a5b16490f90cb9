package io.alphadecay.deploy.compose;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** The stages of a Dockerfile and their instructions, continuation lines joined and comments dropped. */
record Dockerfile(Map<String, Stage> stages) {

    record Instruction(String keyword, String arguments) {}

    record Stage(String name, String base, List<Instruction> instructions) {

        List<String> arguments(String keyword) {
            return instructions.stream()
                    .filter(i -> i.keyword().equals(keyword))
                    .map(Instruction::arguments)
                    .toList();
        }

        /** The variables this stage sets with ENV, in the {@code KEY=value} form. */
        Map<String, String> env() {
            Map<String, String> env = new LinkedHashMap<>();
            for (String args : arguments("ENV")) {
                for (String pair : args.trim().split("\\s+")) {
                    int eq = pair.indexOf('=');
                    if (eq > 0) {
                        env.put(pair.substring(0, eq), pair.substring(eq + 1));
                    }
                }
            }
            return env;
        }
    }

    static Dockerfile parse(Path file) throws IOException {
        List<String> logical = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String raw : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String line = raw.strip();
            if (line.startsWith("#") || (line.isEmpty() && current.isEmpty())) {
                continue;
            }
            if (line.endsWith("\\")) {
                current.append(line, 0, line.length() - 1).append(' ');
                continue;
            }
            current.append(line);
            logical.add(current.toString().trim());
            current.setLength(0);
        }
        Map<String, Stage> stages = new LinkedHashMap<>();
        Stage stage = null;
        int unnamed = 0;
        for (String line : logical) {
            String[] parts = line.split("\\s+", 2);
            String keyword = parts[0].toUpperCase(Locale.ROOT);
            String arguments = parts.length > 1 ? parts[1] : "";
            if (keyword.equals("FROM")) {
                String[] from = arguments.split("\\s+");
                String name = from.length >= 3 && from[from.length - 2].equalsIgnoreCase("AS")
                        ? from[from.length - 1]
                        : "stage-" + unnamed++;
                stage = new Stage(name, from[0], new ArrayList<>());
                stages.put(name, stage);
            } else if (stage != null) {
                stage.instructions().add(new Instruction(keyword, arguments));
            }
        }
        return new Dockerfile(stages);
    }

    Optional<Stage> stage(String name) {
        return Optional.ofNullable(stages.get(name));
    }

    /** The stage and the stages it is built on, nearest first (external images end the chain). */
    List<Stage> lineage(String name) {
        List<Stage> chain = new ArrayList<>();
        Stage stage = stages.get(name);
        while (stage != null && !chain.contains(stage)) {
            chain.add(stage);
            stage = stages.get(stage.base());
        }
        return chain;
    }
}
