package dev.sandpod.executor.sandbox.cgroup;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/** Small helpers over cgroupfs files, which are read and written whole. */
final class CgroupFiles {

    private CgroupFiles() {}

    static void write(Path file, String value) throws IOException {
        Files.write(
                file,
                value.getBytes(StandardCharsets.US_ASCII),
                StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
    }

    static boolean tryWrite(Path file, String value) {
        try {
            write(file, value);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            return "";
        }
    }

    static OptionalLong readLong(Path file) {
        String text = read(file).trim();
        if (text.isEmpty()) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(text));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /** The value of {@code key} in a flat-keyed file such as {@code cpu.stat} or {@code memory.events}. */
    static OptionalLong readKeyed(Path file, String key) {
        for (String line : read(file).split("\n")) {
            String[] parts = line.trim().split("\\s+");
            if (parts.length == 2 && parts[0].equals(key)) {
                try {
                    return OptionalLong.of(Long.parseLong(parts[1]));
                } catch (NumberFormatException e) {
                    return OptionalLong.empty();
                }
            }
        }
        return OptionalLong.empty();
    }

    static List<Long> pids(Path dir) {
        List<Long> pids = new ArrayList<>();
        for (String line : read(dir.resolve("cgroup.procs")).split("\n")) {
            if (!line.isBlank()) {
                pids.add(Long.parseLong(line.trim()));
            }
        }
        return pids;
    }
}
