package bench.store;

import java.util.Arrays;
import java.util.Locale;

final class Stats {

    private Stats() {
    }

    /** Nearest-rank percentile of nanosecond samples; -1 when there are none. */
    static long percentile(long[] samples, double percentile) {
        if (samples.length == 0) {
            return -1;
        }
        long[] sorted = samples.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(percentile / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    static String millis(long nanos) {
        if (nanos < 0) {
            return "n/a";
        }
        double ms = nanos / 1e6;
        return ms < 10 ? String.format(Locale.ROOT, "%.2f ms", ms) : String.format(Locale.ROOT, "%.0f ms", ms);
    }
}
