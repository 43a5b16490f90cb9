package io.alphadecay.esd.analysis;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import io.alphadecay.common.web.ApiException;

/** Which parameters an analysis takes: the configured (or the request's) include and exclude patterns. */
final class ModuleSelector {

    private final Pattern include;
    private final Pattern exclude;

    private ModuleSelector(Pattern include, Pattern exclude) {
        this.include = include;
        this.exclude = exclude;
    }

    static ModuleSelector of(String include, String exclude, String source) {
        return new ModuleSelector(
                compile(include, "include", source),
                exclude == null || exclude.isEmpty() ? null : compile(exclude, "exclude", source));
    }

    boolean selects(String name) {
        return include.matcher(name).matches()
                && (exclude == null || !exclude.matcher(name).matches());
    }

    private static Pattern compile(String regex, String field, String source) {
        if (regex.length() > 500) {
            throw ApiException.invalid(field, "at most 500 characters");
        }
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException ex) {
            throw ApiException.invalid(
                    field, "is not a valid regular expression (" + source + "): " + ex.getDescription());
        }
    }
}
