package io.alphadecay.deploy.dashboards;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What Grafana does to a query before it sends it: the time macros of the PostgreSQL datasource, the interval
 * variables of Prometheus and the dashboard's template variables. Anything left with a {@code $} is an error, so a
 * macro this class does not know cannot slip through untested.
 */
final class GrafanaMacros {

    private static final Pattern TIME_FILTER = Pattern.compile("\\$__timeFilter\\(([^)]+)\\)");
    private static final Pattern LEFTOVER = Pattern.compile("\\$\\{?[A-Za-z_]\\w*");

    private GrafanaMacros() {}

    /** A PostgreSQL query as Grafana's datasource would run it over [from, to]. */
    static String sql(
            String query, Instant from, Instant to, List<Dashboards.Variable> variables, Map<String, String> values) {
        String text = TIME_FILTER
                .matcher(query)
                .replaceAll(
                        match -> Matcher.quoteReplacement(match.group(1) + " BETWEEN '" + from + "' AND '" + to + "'"));
        text = text.replace("$__timeFrom()", "'" + from + "'").replace("$__timeTo()", "'" + to + "'");
        for (Dashboards.Variable variable : variables) {
            String value = values.get(variable.name());
            if (value != null) {
                // Multi-valued variables become a list of quoted literals; single ones go in as they are.
                text = text.replace(
                        "$" + variable.name(), variable.multi() ? "'" + value.replace("'", "''") + "'" : value);
            }
        }
        return checked(query, text);
    }

    /** A PromQL expression as Grafana would send it, with a rate interval fit for the scrape interval. */
    static String promQl(String expression, String rateInterval, Map<String, String> values) {
        String text = expression.replace("$__rate_interval", rateInterval).replace("$__interval", rateInterval);
        for (Map.Entry<String, String> value : values.entrySet()) {
            text = text.replace("$" + value.getKey(), value.getValue());
        }
        return checked(expression, text);
    }

    private static String checked(String original, String text) {
        Matcher leftover = LEFTOVER.matcher(text);
        if (leftover.find()) {
            throw new IllegalArgumentException(
                    "Unknown Grafana macro or variable " + leftover.group() + " in: " + original);
        }
        return text;
    }
}
