package dev.sandpod.executor.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/** The per-row table both hostile suites leave under {@code target/} (what each row observed, and its time). */
final class HostileReport {

    private HostileReport() {}

    /** Writes the rows, sorted, as a markdown table to {@code target/<fileName>} and returns the table. */
    static String write(Map<String, String> rows, String fileName) throws IOException {
        StringBuilder table = new StringBuilder("| row | observed | time |\n|---|---|---|\n");
        new TreeMap<>(rows)
                .forEach((row, line) -> table.append("| ")
                        .append(row)
                        .append(" | ")
                        .append(line)
                        .append(" |\n"));
        Path out = Path.of("target", fileName);
        Files.createDirectories(out.getParent());
        Files.writeString(out, table.toString());
        return table.toString();
    }
}
