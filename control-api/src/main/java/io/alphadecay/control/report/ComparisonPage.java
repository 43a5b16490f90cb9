package io.alphadecay.control.report;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.alphadecay.api.analysis.DecayAssignment;
import io.alphadecay.api.run.Run;

/**
 * The comparison as one self-contained HTML page: inline CSS, charts as data: URIs, no script and no reference to
 * anything outside the page, so it can be saved, mailed or archived as it is. Every text that comes from a run
 * (names, configuration values, module names) is escaped. Numeric cells carry their exact value in
 * {@code data-value}, the text shows it rounded.
 */
final class ComparisonPage {

    private static final int CHART_WIDTH = 900;
    private static final int CHART_HEIGHT = 450;
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);
    private static final String STYLE = """
            body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#222;margin:2em auto;\
            max-width:1100px;padding:0 1em}
            h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.25em;margin-top:2em;border-bottom:1px solid #ddd}
            h3{font-size:1.05em}table{border-collapse:collapse;margin:.6em 0}
            th,td{border:1px solid #ddd;padding:.25em .6em;text-align:left;vertical-align:top}
            th{background:#f5f5f5}td.num{text-align:right;font-variant-numeric:tabular-nums}
            code,.mono{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.92em}
            .swatch{display:inline-block;width:.8em;height:.8em;border-radius:2px;margin-right:.4em}
            .no-data{color:#888;font-style:italic}.muted{color:#666}nav a{margin-right:1em}
            img{max-width:100%;height:auto;border:1px solid #eee}details{margin:.6em 0}summary{cursor:pointer}
            .better{color:#0a7a3a}.worse{color:#b3261e}
            """;

    private ComparisonPage() {}

    static String render(Comparison c) {
        StringBuilder out = new StringBuilder(64 * 1024);
        List<Comparison.RunData> runs = c.runs();
        String title = "Comparison: "
                + String.join(
                        " vs ", runs.stream().map(Comparison.RunData::label).toList());
        out.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<title>")
                .append(esc(title))
                .append("</title><style>")
                .append(STYLE)
                .append("</style>")
                .append("</head><body>\n<h1>")
                .append(esc(title))
                .append("</h1>\n")
                .append("<p class=\"muted\">Generated <time id=\"generated\" datetime=\"")
                .append(c.generatedAt())
                .append("\">")
                .append(TIME.format(c.generatedAt()))
                .append("</time> by the alphadecay control-api. ")
                .append("Differences are against the first run, <strong>")
                .append(esc(runs.get(0).label()))
                .append("</strong>.</p>\n")
                .append("<nav><a href=\"#runs\">Runs</a><a href=\"#perplexity\">Perplexity</a>")
                .append("<a href=\"#curves\">Curves</a><a href=\"#config\">Configuration</a>")
                .append("<a href=\"#alpha\">α by module type</a><a href=\"#decay\">Decay assignment</a></nav>\n");
        runsSection(out, runs);
        perplexitySection(out, runs);
        curvesSection(out, c);
        configSection(out, c);
        alphaSection(out, runs);
        decaySection(out, runs);
        out.append("</body></html>\n");
        return out.toString();
    }

    private static void runsSection(StringBuilder out, List<Comparison.RunData> runs) {
        out.append("<h2 id=\"runs\">Runs</h2>\n<table id=\"runs-table\"><thead><tr><th>Run</th><th>Id</th>")
                .append("<th>State</th><th>Policy</th><th>Preset</th><th>Seed</th><th>Steps</th><th>Tokens</th>")
                .append("</tr></thead><tbody>\n");
        for (int i = 0; i < runs.size(); i++) {
            Comparison.RunData data = runs.get(i);
            Run run = data.run();
            out.append("<tr data-run=\"")
                    .append(run.id())
                    .append("\"><td class=\"name\">")
                    .append(swatch(i))
                    .append(esc(data.label()))
                    .append("</td><td class=\"mono id\">")
                    .append(run.id())
                    .append("</td><td class=\"state\">")
                    .append(run.state())
                    .append("</td><td class=\"policy\">")
                    .append(esc(data.policy()))
                    .append("</td><td class=\"preset\">")
                    .append(esc(run.config().preset()))
                    .append("</td><td class=\"num seed\">")
                    .append(run.config().seed())
                    .append("</td><td class=\"num steps\">")
                    .append(run.progress().step())
                    .append(" / ")
                    .append(run.progress().totalSteps())
                    .append("</td><td class=\"num tokens\" data-value=\"")
                    .append(run.progress().tokensSeen())
                    .append("\">")
                    .append(String.format(Locale.ROOT, "%,d", run.progress().tokensSeen()))
                    .append("</td></tr>\n");
        }
        out.append("</tbody></table>\n");
    }

    private static void perplexitySection(StringBuilder out, List<Comparison.RunData> runs) {
        Comparison.RunData first = runs.get(0);
        Comparison.Perplexity reference = first.perplexity();
        out.append("<h2 id=\"perplexity\">Validation perplexity</h2>\n<table id=\"perplexity-table\"><thead><tr>")
                .append("<th>Run</th><th>Final</th><th>at step</th><th>Best</th><th>at step</th>")
                .append("<th>Final − ")
                .append(esc(first.label()))
                .append("</th><th>Best − ")
                .append(esc(first.label()))
                .append("</th></tr></thead><tbody>\n");
        for (int i = 0; i < runs.size(); i++) {
            Comparison.RunData data = runs.get(i);
            Comparison.Perplexity p = data.perplexity();
            out.append("<tr data-run=\"")
                    .append(data.run().id())
                    .append("\"><td>")
                    .append(swatch(i))
                    .append(esc(data.label()))
                    .append("</td>");
            if (p == null) {
                out.append("<td colspan=\"6\" class=\"no-data\">no data yet</td></tr>\n");
                continue;
            }
            out.append(number("final", p.last(), 3))
                    .append("<td class=\"num final-step\">")
                    .append(p.lastStep())
                    .append("</td>")
                    .append(number("best", p.best(), 3))
                    .append("<td class=\"num best-step\">")
                    .append(p.bestStep())
                    .append("</td>");
            if (i == 0) {
                out.append("<td class=\"muted\" colspan=\"2\">reference</td>");
            } else if (reference == null) {
                out.append("<td class=\"no-data\" colspan=\"2\">no data yet for the reference</td>");
            } else {
                out.append(difference("delta-final", p.last() - reference.last()))
                        .append(difference("delta-best", p.best() - reference.best()));
            }
            out.append("</tr>\n");
        }
        out.append("</tbody></table>\n<p class=\"muted\">Negative differences mean a lower perplexity than ")
                .append(esc(first.label()))
                .append(". One seed per run: read them as indications, not results.</p>\n");
    }

    private static void curvesSection(StringBuilder out, Comparison c) {
        out.append("<h2 id=\"curves\">Curves</h2>\n");
        chart(
                out,
                "chart-perplexity",
                "Validation perplexity against step",
                ComparisonCharts.perplexity(c, CHART_WIDTH, CHART_HEIGHT));
        chart(
                out,
                "chart-train-loss",
                "Training loss against step",
                ComparisonCharts.trainLoss(c, CHART_WIDTH, CHART_HEIGHT));
        out.append("<p class=\"muted\">Each curve is thinned evenly to at most ")
                .append(ComparisonService.CURVE_POINTS)
                .append(" points, keeping its first and last.</p>\n");
    }

    private static void configSection(StringBuilder out, Comparison c) {
        ConfigDiff diff = c.config();
        List<Comparison.RunData> runs = c.runs();
        out.append("<h2 id=\"config\">Configuration differences</h2>\n");
        if (diff.differing().isEmpty()) {
            out.append("<p id=\"config-identical\">The configurations are identical (apart from the names).</p>\n");
        } else {
            out.append("<table id=\"config-diff\"><thead><tr><th>Key</th>");
            runs.forEach(r -> out.append("<th>").append(esc(r.label())).append("</th>"));
            out.append("</tr></thead><tbody>\n");
            diff.differing().forEach((key, values) -> {
                out.append("<tr data-key=\"")
                        .append(esc(key))
                        .append("\"><th class=\"mono\">")
                        .append(esc(key))
                        .append("</th>");
                values.forEach(v -> out.append(
                        v == null ? "<td class=\"no-data\">(not set)</td>" : "<td class=\"mono\">" + esc(v) + "</td>"));
                out.append("</tr>\n");
            });
            out.append("</tbody></table>\n");
        }
        out.append("<p id=\"config-shared-count\" data-value=\"")
                .append(diff.shared().size())
                .append("\">")
                .append(diff.shared().size())
                .append(" keys have the same value in every run.</p>\n")
                .append("<details id=\"config-shared\"><summary>Shared values</summary><table><tbody>\n");
        diff.shared()
                .forEach((key, value) -> out.append("<tr data-key=\"")
                        .append(esc(key))
                        .append("\"><th class=\"mono\">")
                        .append(esc(key))
                        .append("</th><td class=\"mono\">")
                        .append(esc(value))
                        .append("</td></tr>\n"));
        out.append("</tbody></table></details>\n");
    }

    private static void alphaSection(StringBuilder out, List<Comparison.RunData> runs) {
        out.append("<h2 id=\"alpha\">α by module type</h2>\n<p class=\"muted\">From each run's latest analysis, ")
                .append("over the modules with status ok. A small α is a heavy tail; the spread is max − min.</p>\n");
        for (int i = 0; i < runs.size(); i++) {
            Comparison.RunData data = runs.get(i);
            out.append("<h3>").append(swatch(i)).append(esc(data.label())).append("</h3>\n");
            if (data.latest() == null || data.alphaByType().isEmpty()) {
                out.append("<p class=\"no-data alpha\" data-run=\"")
                        .append(data.run().id())
                        .append("\">no data yet</p>\n");
                continue;
            }
            out.append("<p class=\"muted\">Analysis at step ")
                    .append(data.latest().step())
                    .append(" (")
                    .append(esc(data.latest().estimator()))
                    .append(").</p>\n");
            statsTable(out, "alpha", data, data.alphaByType(), "α", 4);
            ValueStats all = data.alphaOverall();
            out.append("<p class=\"alpha-spread\" data-run=\"")
                    .append(data.run().id())
                    .append("\" data-value=\"")
                    .append(all.spread())
                    .append("\">α spread over all ")
                    .append(all.count())
                    .append(" modules: ")
                    .append(fmt(all.spread(), 4))
                    .append(" (")
                    .append(fmt(all.min(), 4))
                    .append(" to ")
                    .append(fmt(all.max(), 4))
                    .append(").</p>\n");
        }
        chart(
                out,
                "chart-alpha-spread",
                "α spread over analysis steps",
                ComparisonCharts.alphaSpread(new Comparison(null, runs, null), CHART_WIDTH, CHART_HEIGHT));
    }

    private static void decaySection(StringBuilder out, List<Comparison.RunData> runs) {
        out.append("<h2 id=\"decay\">Decay assignment</h2>\n<p class=\"muted\">The effective weight decays: the ")
                .append("latest analysis with the operator's overrides on top, as <code>GET /api/v1/runs/{id}/")
                .append("decay-assignment</code> returns them. Parameters not listed use the run's default.</p>\n");
        for (int i = 0; i < runs.size(); i++) {
            Comparison.RunData data = runs.get(i);
            DecayAssignment decays = data.decays();
            out.append("<h3>")
                    .append(swatch(i))
                    .append(esc(data.label()))
                    .append("</h3>\n<p>Policy <code>")
                    .append(esc(decays.policy()))
                    .append("</code>, default weight decay <span class=\"default-decay\" ")
                    .append("data-value=\"")
                    .append(decays.defaultWeightDecay())
                    .append("\">")
                    .append(fmt(decays.defaultWeightDecay(), 4))
                    .append("</span>")
                    .append(decays.step() == null ? "" : ", from the analysis at step " + decays.step())
                    .append(".</p>\n");
            if (decays.modules().isEmpty()) {
                out.append("<p class=\"no-data decay\" data-run=\"")
                        .append(data.run().id())
                        .append("\">")
                        .append(
                                "alphadecay".equals(decays.policy())
                                        ? "no data yet: every parameter uses the default"
                                        : "no per-module decays: every parameter uses the default")
                        .append("</p>\n");
                continue;
            }
            statsTable(out, "decay", data, data.decayByType(), "weight decay", 5);
            out.append("<details class=\"decay-modules\" data-run=\"")
                    .append(data.run().id())
                    .append("\"><summary>")
                    .append(decays.modules().size())
                    .append(" modules</summary><table><thead><tr><th>Parameter</th>")
                    .append("<th>Type</th><th>Weight decay</th><th>Source</th></tr></thead><tbody>\n");
            for (DecayAssignment.Entry entry : decays.modules()) {
                out.append("<tr data-module=\"")
                        .append(esc(entry.name()))
                        .append("\"><td class=\"mono\">")
                        .append(esc(entry.name()))
                        .append("</td><td>")
                        .append(esc(data.moduleTypes().get(entry.name())))
                        .append("</td>")
                        .append(number("wd", entry.weightDecay(), 5))
                        .append("<td class=\"source\">")
                        .append(esc(entry.source()))
                        .append("</td></tr>\n");
            }
            out.append("</tbody></table></details>\n");
        }
    }

    private static void statsTable(
            StringBuilder out,
            String kind,
            Comparison.RunData data,
            Map<String, ValueStats> stats,
            String what,
            int decimals) {
        out.append("<table class=\"")
                .append(kind)
                .append("\" data-run=\"")
                .append(data.run().id())
                .append("\"><thead><tr><th>Type</th><th>Modules</th><th>Mean ")
                .append(what)
                .append("</th><th>Min</th>")
                .append("<th>Max</th><th>Spread</th></tr></thead><tbody>\n");
        stats.forEach((type, s) -> out.append("<tr data-type=\"")
                .append(esc(type))
                .append("\"><td>")
                .append(esc(type))
                .append("</td><td class=\"num count\">")
                .append(s.count())
                .append("</td>")
                .append(number("mean", s.mean(), decimals))
                .append(number("min", s.min(), decimals))
                .append(number("max", s.max(), decimals))
                .append(number("spread", s.spread(), decimals))
                .append("</tr>\n"));
        out.append("</tbody></table>\n");
    }

    private static void chart(StringBuilder out, String id, String alt, byte[] png) {
        if (png == null) {
            out.append("<p class=\"no-data\" id=\"")
                    .append(id)
                    .append("\">")
                    .append(esc(alt))
                    .append(": no data yet</p>\n");
            return;
        }
        out.append("<figure><img id=\"")
                .append(id)
                .append("\" alt=\"")
                .append(esc(alt))
                .append("\" width=\"")
                .append(CHART_WIDTH)
                .append("\" height=\"")
                .append(CHART_HEIGHT)
                .append("\" src=\"data:image/png;base64,")
                .append(Base64.getEncoder().encodeToString(png))
                .append("\"></figure>\n");
    }

    private static String swatch(int index) {
        int rgb = ComparisonCharts.COLORS
                        .get(index % ComparisonCharts.COLORS.size())
                        .getRGB()
                & 0xFFFFFF;
        return String.format(Locale.ROOT, "<span class=\"swatch\" style=\"background:#%06x\"></span>", rgb);
    }

    private static String number(String cls, double value, int decimals) {
        return "<td class=\"num " + cls + "\" data-value=\"" + value + "\">" + fmt(value, decimals) + "</td>";
    }

    private static String difference(String cls, double value) {
        String tone = value < 0 ? " better" : value > 0 ? " worse" : "";
        return "<td class=\"num " + cls + tone + "\" data-value=\"" + value + "\">"
                + String.format(Locale.ROOT, "%+.3f", value) + "</td>";
    }

    private static String fmt(double value, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f", value);
    }

    /** Escapes text for HTML element content and double- or single-quoted attributes. */
    static String esc(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            switch (ch) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(ch);
            }
        }
        return out.toString();
    }
}
