package io.alphadecay.control.report;

import java.util.List;

/** Count, mean, minimum and maximum of some values; {@code spread} is max − min. */
record ValueStats(int count, double mean, double min, double max) {

    static ValueStats of(List<Double> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("no values");
        }
        double sum = 0;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double v : values) {
            sum += v;
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        return new ValueStats(values.size(), sum / values.size(), min, max);
    }

    double spread() {
        return max - min;
    }
}
