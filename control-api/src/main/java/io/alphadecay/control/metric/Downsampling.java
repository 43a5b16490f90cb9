package io.alphadecay.control.metric;

import java.util.ArrayList;
import java.util.List;

/** Thins a series to at most {@code max} points spread evenly by position, keeping the first and the last. */
final class Downsampling {

    private Downsampling() {
    }

    static <T> List<T> evenly(List<T> series, int max) {
        int n = series.size();
        if (n <= max) {
            return series;
        }
        List<T> kept = new ArrayList<>(max);
        for (int i = 0; i < max; i++) {
            // Rounded positions of max points over [0, n-1]: strictly increasing because n > max.
            int index = (int) Math.round((double) i * (n - 1) / (max - 1));
            kept.add(series.get(index));
        }
        return kept;
    }
}
