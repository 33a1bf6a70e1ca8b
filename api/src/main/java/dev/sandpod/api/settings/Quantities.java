package dev.sandpod.api.settings;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Kubernetes-style quantities as the settings spell them: {@code 128Mi}, {@code 1Gi}, {@code 500m}, {@code 2}. */
public final class Quantities {

    private static final Pattern MEMORY = Pattern.compile("(\\d+)(Ki|Mi|Gi|K|M|G)?");
    private static final Pattern CPU = Pattern.compile("(\\d+(?:\\.\\d+)?)(m)?");

    private Quantities() {}

    /** @throws IllegalArgumentException for anything that is not a positive memory quantity */
    public static long bytes(String quantity) {
        Matcher m = MEMORY.matcher(quantity == null ? "" : quantity.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("Not a memory quantity: " + quantity);
        }
        long value = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "" : m.group(2);
        long factor = switch (unit) {
            case "Ki" -> 1024L;
            case "Mi" -> 1024L * 1024;
            case "Gi" -> 1024L * 1024 * 1024;
            case "K" -> 1000L;
            case "M" -> 1000L * 1000;
            case "G" -> 1000L * 1000 * 1000;
            default -> 1L;
        };
        long bytes = value * factor;
        if (bytes <= 0) {
            throw new IllegalArgumentException("Memory must be positive: " + quantity);
        }
        return bytes;
    }

    /** @throws IllegalArgumentException for anything that is not a positive CPU quantity */
    public static int millicores(String quantity) {
        Matcher m = CPU.matcher(quantity == null ? "" : quantity.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("Not a CPU quantity: " + quantity);
        }
        double value = Double.parseDouble(m.group(1));
        int millis = (int) Math.round(m.group(2) == null ? value * 1000 : value);
        if (millis <= 0) {
            throw new IllegalArgumentException("CPU must be positive: " + quantity);
        }
        return millis;
    }
}
