package io.alphadecay.api.model;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.alphadecay.api.analysis.ModuleType;

/**
 * The HuggingFace LLaMA parameter names every service agrees on: which matrices AlphaDecay analyses (every block
 * projection except the first block's {@code q_proj}, as in the paper), and the block and type of a name.
 */
public final class LlamaModules {

    /** The attention and MLP projections of every block. */
    public static final String PROJECTIONS =
            "model\\.layers\\.\\d+\\.(self_attn\\.[qkvo]_proj|mlp\\.(gate|up|down)_proj)\\.weight";
    /** Left out of the analyses, as in the paper; it keeps wd0. */
    public static final String EXCLUDED = "model\\.layers\\.0\\.self_attn\\.q_proj\\.weight";

    private static final Pattern ANALYSED = Pattern.compile(PROJECTIONS);
    private static final Pattern EXCLUDED_PATTERN = Pattern.compile(EXCLUDED);
    private static final Pattern LAYER = Pattern.compile("(?:^|\\.)layers\\.(\\d{1,6})\\.");
    private static final Pattern TYPE = Pattern.compile("(?:^|\\.)(q|k|v|o|gate|up|down)_proj(?:\\.|$)");

    private LlamaModules() {}

    /** Whether AlphaDecay analyses this parameter and sets its decay; everything else keeps wd0. */
    public static boolean analysed(String name) {
        return ANALYSED.matcher(name).matches()
                && !EXCLUDED_PATTERN.matcher(name).matches();
    }

    /** The block index in the name ({@code model.layers.3.…} is 3), or null outside the blocks. */
    public static Integer layer(String name) {
        Matcher m = LAYER.matcher(name);
        return m.find() ? Integer.valueOf(m.group(1)) : null;
    }

    /** The projection type in the name, or {@link ModuleType#OTHER}. */
    public static ModuleType type(String name) {
        Matcher m = TYPE.matcher(name);
        return m.find() ? ModuleType.of(m.group(1)) : ModuleType.OTHER;
    }
}
