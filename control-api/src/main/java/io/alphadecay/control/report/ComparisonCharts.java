package io.alphadecay.control.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.function.Function;
import javax.imageio.ImageIO;

import io.alphadecay.api.analysis.Analysis;
import io.alphadecay.api.metric.MetricPoint;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The report's charts as PNG bytes, drawn with XChart in headless AWT; one colour per run in every chart. */
final class ComparisonCharts {

    /** The size of the main chart served as PNG. */
    static final int WIDTH = 960;

    static final int HEIGHT = 540;

    /** Okabe–Ito colours, told apart with most colour-vision deficiencies; the report's legend uses them too. */
    static final List<Color> COLORS = List.of(
            new Color(0x0072B2),
            new Color(0xD55E00),
            new Color(0x009E73),
            new Color(0xCC79A7),
            new Color(0xE69F00),
            new Color(0x56B4E9),
            new Color(0x000000),
            new Color(0x999999));

    private ComparisonCharts() {}

    /** Validation perplexity against step, or null when no run has a point yet. */
    static byte[] perplexity(Comparison comparison, int width, int height) {
        return curves(
                comparison,
                width,
                height,
                "Validation perplexity",
                "perplexity",
                Comparison.RunData::valPerplexityCurve,
                true);
    }

    static byte[] trainLoss(Comparison comparison, int width, int height) {
        return curves(comparison, width, height, "Training loss", "loss", Comparison.RunData::trainLossCurve, false);
    }

    /** The α spread (max − min over the modules with status ok) of each analysis, or null without analyses. */
    static byte[] alphaSpread(Comparison comparison, int width, int height) {
        XYChart chart = chart(width, height, "α spread (max − min) by analysis step", "α spread");
        boolean any = false;
        for (int i = 0; i < comparison.runs().size(); i++) {
            Comparison.RunData run = comparison.runs().get(i);
            List<Analysis> ok =
                    run.analyses().stream().filter(a -> a.summary().ok() > 0).toList();
            if (ok.isEmpty()) {
                continue;
            }
            double[] x = ok.stream().mapToDouble(Analysis::step).toArray();
            double[] y = ok.stream()
                    .mapToDouble(a -> a.summary().alphaMax() - a.summary().alphaMin())
                    .toArray();
            series(chart, run.label(), x, y, i, true);
            any = true;
        }
        return any ? encode(chart) : null;
    }

    /** A chart that says there is nothing to draw yet, for the PNG endpoint. */
    static byte[] placeholder(String title, int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            g.setColor(new Color(0xDDDDDD));
            g.setStroke(new BasicStroke(2));
            g.drawRect(1, 1, width - 3, height - 3);
            g.setColor(new Color(0x444444));
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 18));
            int textWidth = g.getFontMetrics().stringWidth(title);
            g.drawString(title, Math.max(10, (width - textWidth) / 2), height / 2);
        } finally {
            g.dispose();
        }
        try (ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            ImageIO.write(image, "png", out);
            return out.toByteArray();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    private static byte[] curves(
            Comparison comparison,
            int width,
            int height,
            String title,
            String yTitle,
            Function<Comparison.RunData, List<MetricPoint>> curve,
            boolean markers) {
        XYChart chart = chart(width, height, title, yTitle);
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        boolean any = false;
        for (int i = 0; i < comparison.runs().size(); i++) {
            Comparison.RunData run = comparison.runs().get(i);
            List<MetricPoint> points = curve.apply(run);
            if (points.isEmpty()) {
                continue;
            }
            double[] x = points.stream().mapToDouble(MetricPoint::step).toArray();
            double[] y = points.stream().mapToDouble(MetricPoint::value).toArray();
            for (double v : y) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
            series(chart, run.label(), x, y, i, markers);
            any = true;
        }
        if (!any) {
            return null;
        }
        // Perplexity falls by orders of magnitude early in training: a log axis keeps the end of the curves readable.
        chart.getStyler().setYAxisLogarithmic(min > 0 && max / min > 20);
        return encode(chart);
    }

    private static XYChart chart(int width, int height, String title, String yTitle) {
        XYChart chart = new XYChartBuilder()
                .width(width)
                .height(height)
                .title(title)
                .xAxisTitle("step")
                .yAxisTitle(yTitle)
                .build();
        chart.getStyler()
                .setChartBackgroundColor(Color.WHITE)
                .setLegendPosition(Styler.LegendPosition.InsideNE)
                .setLegendBorderColor(new Color(0xCCCCCC))
                .setAntiAlias(true);
        chart.getStyler().setPlotBackgroundColor(Color.WHITE).setPlotBorderVisible(false);
        chart.getStyler().setPlotGridLinesColor(new Color(0xE5E5E5));
        chart.getStyler().setMarkerSize(6);
        return chart;
    }

    private static void series(XYChart chart, String label, double[] x, double[] y, int index, boolean markers) {
        XYSeries series = chart.addSeries(label, x, y);
        series.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        Color color = COLORS.get(index % COLORS.size());
        series.setLineColor(color);
        series.setMarkerColor(color);
        series.setMarker(markers ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
    }

    private static byte[] encode(XYChart chart) {
        try {
            return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }
}
