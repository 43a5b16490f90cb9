package io.alphadecay.esd.analysis;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import io.alphadecay.common.web.ApiException;

/** Which parameters are analysed, and the layer and module type read from a HuggingFace LLaMA name. */
final class ModuleSelector {

    private static final Pattern LAYER = Pattern.compile("(?:^|\\.)layers\\.(\\d{1,6})\\.");
    private static final Pattern TYPE = Pattern.compile("(?:^|\\.)(q|k|v|o|gate|up|down)_proj(?:\\.|$)");

    private final Pattern include;
    private final Pattern exclude;

    private ModuleSelector(Pattern include, Pattern exclude) {
        this.include = include;
        this.exclude = exclude;
    }

    static ModuleSelector of(String include, String exclude, String source) {
        return new ModuleSelector(compile(include, "include", source), exclude == null || exclude.isEmpty() ? null
                : compile(exclude, "exclude", source));
    }

    boolean selects(String name) {
        return include.matcher(name).matches() && (exclude == null || !exclude.matcher(name).matches());
    }

    static Integer layer(String name) {
        Matcher m = LAYER.matcher(name);
        return m.find() ? Integer.valueOf(m.group(1)) : null;
    }

    static String type(String name) {
        Matcher m = TYPE.matcher(name);
        return m.find() ? m.group(1) : "other";
    }

    private static Pattern compile(String regex, String field, String source) {
        if (regex.length() > 500) {
            throw ApiException.invalid(field, "at most 500 characters");
        }
        try {
            return Pattern.compile(regex);
        }
        catch (PatternSyntaxException ex) {
            throw ApiException.invalid(field, "is not a valid regular expression (" + source + "): "
                    + ex.getDescription());
        }
    }

}
