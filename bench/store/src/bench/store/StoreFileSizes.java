package bench.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalTime;
import java.util.Locale;
import java.util.Map;

/** The embedded store's data file per stored event (issue 20), printed beside the event count and the load. */
final class StoreFileSizes {

    private final Map<String, String> results;

    StoreFileSizes(Map<String, String> results) {
        this.results = results;
    }

    /** The data file's size per stored event, beside the event count and the machine's load. */
    void measure(String name, Path file, long events) throws IOException {
        long bytes = Files.size(file);
        String line = String.format(Locale.ROOT, "%.1f MB, %.0f bytes per event (%d events; load %s)",
                bytes / 1048576.0, bytes / (double) events, events, StoreBench.loadAverage());
        results.put(name, line);
        System.out.printf(Locale.ROOT, "%s %s: %s%n", LocalTime.now(), name, line);
    }

    /**
     * The store left alone with the application running (nothing written): H2's background housekeeping
     * compacts by itself (rewrites chunks below the fill rate, moves chunks, shrinks the file). Samples the
     * size every 5 s for {@code --settle-seconds} and reports the smallest and when it was reached.
     */
    void settle(Path file, long events, int seconds) throws InterruptedException, IOException {
        if (seconds <= 0) {
            return;
        }
        long start = System.nanoTime();
        long before = Files.size(file);
        long smallest = before;
        double smallestAt = 0;
        while ((System.nanoTime() - start) / 1e9 < seconds) {
            Thread.sleep(5_000);
            long size = Files.size(file);
            System.out.printf(Locale.ROOT, "  idle %3.0f s: %.1f MB, %.0f bytes per event%n", (System.nanoTime() - start) / 1e9,
                    size / 1048576.0, size / (double) events);
            if (size < smallest) {
                smallest = size;
                smallestAt = (System.nanoTime() - start) / 1e9;
            }
        }
        results.put("store file while idle (compaction by itself)", String.format(Locale.ROOT,
                "%.1f MB -> %.1f MB after %.0f s idle: %.0f bytes per event (%d events; load %s)", before / 1048576.0,
                smallest / 1048576.0, smallestAt, smallest / (double) events, events, StoreBench.loadAverage()));
    }
}
