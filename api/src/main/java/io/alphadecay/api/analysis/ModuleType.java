package io.alphadecay.api.analysis;

import java.util.Arrays;
import java.util.List;

/**
 * The kind of a LLaMA projection, read from its parameter name ({@code q_proj} is {@link #Q}); {@link #OTHER} for
 * anything that is not one of the seven projections of a block.
 */
public enum ModuleType {
    Q("q"),
    K("k"),
    V("v"),
    O("o"),
    GATE("gate"),
    UP("up"),
    DOWN("down"),
    OTHER("other");

    /** The wire names, for validation annotations; the enum constants must agree with it. */
    public static final String PATTERN = "q|k|v|o|gate|up|down|other";

    public static final String NAMES = "q, k, v, o, gate, up, down or other";

    private final String wireName;

    ModuleType(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** Every wire name in the order of a block: q, k, v, o, gate, up, down, then other. */
    public static List<String> wireNames() {
        return Arrays.stream(values()).map(ModuleType::wireName).toList();
    }

    /** The seven projections' wire names, without other. */
    public static List<String> projectionNames() {
        return Arrays.stream(values())
                .filter(t -> t != OTHER)
                .map(ModuleType::wireName)
                .toList();
    }

    /** The type with this wire name, or {@link #OTHER} for null or anything unknown. */
    public static ModuleType of(String name) {
        return Arrays.stream(values())
                .filter(t -> t.wireName.equals(name))
                .findFirst()
                .orElse(OTHER);
    }
}
