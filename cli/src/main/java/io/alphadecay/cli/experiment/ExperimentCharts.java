package io.alphadecay.cli.experiment;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

import io.alphadecay.cli.experiment.ExperimentStats.Summary;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The experiment's two charts as PNG bytes, drawn with XChart in headless AWT. */
final class ExperimentCharts {

    static final int WIDTH = 960;
    static final int HEIGHT = 540;
    private static final Map<String, Color> COLORS =
            Map.of("alphadecay", new Color(0xD55E00), "uniform", new Color(0x0072B2), "none", new Color(0x666666));
    private static final BasicStroke DASHED =
            new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {6, 4}, 0);

    private ExperimentCharts() {}

    /**
     * Final validation perplexity against wd0, one line per decaying policy with ± sd error bars; {@code none}
     * (no decay, so no wd0) as a horizontal line at its mean between dashed lines at ± sd.
     */
    static byte[] perplexity(ExperimentSummary summary, List<Double> weightDecays) {
        boolean logarithmic = logarithmicWeightDecays(weightDecays);
        XYChart chart = chart(
                "Final validation perplexity by wd0 (mean ± sd over seeds)",
                logarithmic ? "wd0 (log scale)" : "wd0",
                "perplexity");
        chart.getStyler().setXAxisLogarithmic(logarithmic);
        double low =
                weightDecays.stream().mapToDouble(Double::doubleValue).min().orElse(0);
        double high =
                weightDecays.stream().mapToDouble(Double::doubleValue).max().orElse(1);
        if (low == high) {
            low = Math.max(0, low - 0.5 * Math.max(low, 0.01));
            high = high + 0.5 * Math.max(high, 0.01);
        }
        boolean any = false;
        for (var policy : summary.cells().entrySet()) {
            List<Map.Entry<Double, Summary>> cells = policy.getValue().entrySet().stream()
                    .filter(e -> e.getValue().n() > 0)
                    .sorted(Map.Entry.comparingByKey())
                    .toList();
            if (cells.isEmpty()) {
                continue;
            }
            Color color = COLORS.getOrDefault(policy.getKey(), Color.BLACK);
            any = true;
            if ("none".equals(policy.getKey())) {
                Summary none = cells.get(0).getValue();
                XYSeries mean = chart.addSeries(
                        "none (no decay)", new double[] {low, high}, new double[] {none.mean(), none.mean()});
                style(mean, color, false);
                if (none.n() > 1) {
                    for (int sign : new int[] {-1, 1}) {
                        double y = none.mean() + sign * none.sd();
                        XYSeries band = chart.addSeries(
                                "none " + (sign < 0 ? "− sd" : "+ sd"), new double[] {low, high}, new double[] {y, y});
                        style(band, color, false);
                        band.setLineStyle(DASHED);
                        band.setShowInLegend(false);
                    }
                }
                continue;
            }
            double[] x = cells.stream().mapToDouble(Map.Entry::getKey).toArray();
            double[] y = cells.stream().mapToDouble(e -> e.getValue().mean()).toArray();
            double[] sd = cells.stream()
                    .mapToDouble(e ->
                            Double.isNaN(e.getValue().sd()) ? 0 : e.getValue().sd())
                    .toArray();
            style(chart.addSeries(policy.getKey(), x, y, sd), color, true);
        }
        if (!any) {
            placeholderSeries(chart, low, high);
        }
        return encode(chart);
    }

    /** Grids usually space wd0 by factors (0.05, 0.1, 0.2, ...): a log axis spaces them evenly. */
    static boolean logarithmicWeightDecays(List<Double> weightDecays) {
        double low =
                weightDecays.stream().mapToDouble(Double::doubleValue).min().orElse(0);
        double high =
                weightDecays.stream().mapToDouble(Double::doubleValue).max().orElse(0);
        return low > 0 && high / low >= 4;
    }

    /**
     * Mean α of the attention q/k matrices and of the MLP gate/up/down matrices against step, per policy that has
     * analyses (averaged over its runs).
     */
    static byte[] alphaByType(ExperimentSummary summary) {
        XYChart chart = chart("Mean α: attention q/k against MLP gate/up/down", "step", "mean α");
        boolean any = false;
        for (var policy : summary.alphaBySteps().entrySet()) {
            Color color = COLORS.getOrDefault(policy.getKey(), Color.BLACK);
            any |= line(chart, policy.getKey() + " attention q/k", policy.getValue(), List.of("q", "k"), color, false);
            any |= line(
                    chart,
                    policy.getKey() + " MLP gate/up/down",
                    policy.getValue(),
                    List.of("gate", "up", "down"),
                    color,
                    true);
        }
        if (!any) {
            chart.setTitle("Mean α by module type: no analyses to draw");
            placeholderSeries(chart, 0, 1);
        }
        return encode(chart);
    }

    private static boolean line(
            XYChart chart,
            String label,
            SortedMap<Long, Map<String, Double>> bySteps,
            List<String> types,
            Color color,
            boolean dashed) {
        List<double[]> points = new ArrayList<>();
        bySteps.forEach((step, byType) -> {
            List<Double> values =
                    types.stream().filter(byType::containsKey).map(byType::get).toList();
            if (!values.isEmpty()) {
                points.add(new double[] {step, ExperimentStats.summarize(values).mean()});
            }
        });
        if (points.isEmpty()) {
            return false;
        }
        XYSeries series = chart.addSeries(
                label,
                points.stream().mapToDouble(p -> p[0]).toArray(),
                points.stream().mapToDouble(p -> p[1]).toArray());
        style(series, color, true);
        if (dashed) {
            series.setLineStyle(DASHED);
            series.setMarker(SeriesMarkers.DIAMOND);
        }
        return true;
    }

    private static XYChart chart(String title, String xTitle, String yTitle) {
        XYChart chart = new XYChartBuilder()
                .width(WIDTH)
                .height(HEIGHT)
                .title(title)
                .xAxisTitle(xTitle)
                .yAxisTitle(yTitle)
                .build();
        chart.getStyler()
                .setChartBackgroundColor(Color.WHITE)
                .setLegendPosition(Styler.LegendPosition.OutsideE)
                .setLegendBorderColor(new Color(0xCCCCCC))
                .setAntiAlias(true);
        chart.getStyler().setPlotBackgroundColor(Color.WHITE).setPlotBorderVisible(false);
        chart.getStyler().setPlotGridLinesColor(new Color(0xE5E5E5));
        chart.getStyler().setMarkerSize(7);
        return chart;
    }

    private static void style(XYSeries series, Color color, boolean markers) {
        series.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        series.setLineColor(color);
        series.setMarkerColor(color);
        series.setMarker(markers ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
    }

    /** XChart cannot draw a chart without series: an invisible one keeps the axes and the title. */
    private static void placeholderSeries(XYChart chart, double low, double high) {
        XYSeries empty = chart.addSeries("no data", new double[] {low, high}, new double[] {0, 0});
        empty.setLineColor(new Color(0, 0, 0, 0));
        empty.setMarker(SeriesMarkers.NONE);
        empty.setShowInLegend(false);
    }

    private static byte[] encode(XYChart chart) {
        try {
            return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }
}
