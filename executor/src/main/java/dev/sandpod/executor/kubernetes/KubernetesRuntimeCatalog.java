package dev.sandpod.executor.kubernetes;

import dev.sandpod.api.runtime.LanguageInfo;
import dev.sandpod.api.runtime.RuntimeCatalog;
import dev.sandpod.api.runtime.RuntimeInfo;
import dev.sandpod.executor.runtime.ConfiguredRuntimeCatalog;
import dev.sandpod.executor.runtime.RuntimeProperties;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The registry as the Kubernetes runner serves it: every configured version whose language has an image and a
 * command is available (the cluster pulls the image; a missing image fails that run with system_error). Unknown
 * languages and versions are refused with the same messages as the other catalogs.
 */
public final class KubernetesRuntimeCatalog implements RuntimeCatalog {

    private final RuntimeProperties properties;
    private final ConfiguredRuntimeCatalog configured;

    public KubernetesRuntimeCatalog(RuntimeProperties properties) {
        this.properties = properties;
        this.configured = new ConfiguredRuntimeCatalog(properties);
    }

    /** The pod runtime of an accepted lang/version. */
    Optional<PodRuntime> runtime(String lang, String version) {
        if (configured.rejection(lang, version).isPresent()) {
            return Optional.empty();
        }
        RuntimeProperties.Language language = properties.languages().get(lang);
        if (reason(language) != null) {
            return Optional.empty();
        }
        return Optional.of(new PodRuntime(
                lang, version, language.imageFor(version), language.command(), language.fileName(), language.env()));
    }

    @Override
    public Optional<String> rejection(String lang, String version) {
        Optional<String> unknown = configured.rejection(lang, version);
        if (unknown.isPresent()) {
            return unknown;
        }
        String reason = reason(properties.languages().get(lang));
        return reason == null
                ? Optional.empty()
                : Optional.of("Runtime " + lang + " " + version + " is not available on this runner: " + reason);
    }

    @Override
    public Map<String, LanguageInfo> supportedRuntimes() {
        Map<String, LanguageInfo> supported = new LinkedHashMap<>();
        properties.languages().forEach((lang, language) -> {
            if (!language.versions().isEmpty() && reason(language) == null) {
                supported.put(lang, new LanguageInfo(language.versions(), language.fileExt()));
            }
        });
        return supported;
    }

    @Override
    public List<RuntimeInfo> all() {
        List<RuntimeInfo> all = new ArrayList<>();
        properties.languages().forEach((lang, language) -> {
            String reason = reason(language);
            language.versions().forEach(v -> all.add(new RuntimeInfo(lang, v, reason == null, reason)));
        });
        return List.copyOf(all);
    }

    @Override
    public String runnerKind() {
        return "kubernetes";
    }

    private static String reason(RuntimeProperties.Language language) {
        if (language.image() == null || language.image().isBlank()) {
            return "no image configured";
        }
        if (language.command().isEmpty()) {
            return "no command configured";
        }
        if (language.fileName() == null
                || language.fileName().isEmpty()
                || language.fileName().contains("/")) {
            return "no valid file name configured";
        }
        return null;
    }
}
