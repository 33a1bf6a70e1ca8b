package dev.sandpod.executor.runtime;

import java.util.List;
import java.util.Optional;

/** The exact 422 texts for an unknown language or version, shared by every {@link dev.sandpod.api.runtime.RuntimeCatalog}. */
final class RuntimeMessages {

    private RuntimeMessages() {}

    static Optional<String> unknown(RuntimeProperties properties, String lang, String version) {
        RuntimeProperties.Language language =
                lang == null ? null : properties.languages().get(lang);
        if (language == null) {
            return Optional.of("Language '" + lang + "' not supported. Supported: "
                    + List.copyOf(properties.languages().keySet()));
        }
        if (version == null || !language.versions().contains(version)) {
            return Optional.of(
                    "Version '" + version + "' not supported for " + lang + ". Supported: " + language.versions());
        }
        return Optional.empty();
    }

    static String unavailable(String lang, String version, String reason) {
        return "Runtime " + lang + " " + version + " is not available on this runner: " + reason;
    }
}
