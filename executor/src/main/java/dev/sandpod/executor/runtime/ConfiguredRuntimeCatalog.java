package dev.sandpod.executor.runtime;

import dev.sandpod.api.runtime.LanguageInfo;
import dev.sandpod.api.runtime.RuntimeCatalog;
import dev.sandpod.api.runtime.RuntimeInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The registry of an instance that runs nothing itself ({@code sandpod.executor.enabled=false}): it validates
 * requests against the configuration and trusts the operator to configure only what the remote runners
 * serve. Its {@link #runnerKind()} is {@code remote}.
 */
public final class ConfiguredRuntimeCatalog implements RuntimeCatalog {

    private final RuntimeProperties properties;

    public ConfiguredRuntimeCatalog(RuntimeProperties properties) {
        this.properties = properties;
    }

    @Override
    public Optional<String> rejection(String lang, String version) {
        return RuntimeMessages.unknown(properties, lang, version);
    }

    @Override
    public Map<String, LanguageInfo> supportedRuntimes() {
        Map<String, LanguageInfo> supported = new LinkedHashMap<>();
        properties.languages().forEach((lang, language) -> {
            if (!language.versions().isEmpty()) {
                supported.put(lang, new LanguageInfo(language.versions(), language.fileExt()));
            }
        });
        return supported;
    }

    @Override
    public List<RuntimeInfo> all() {
        List<RuntimeInfo> all = new ArrayList<>();
        properties
                .languages()
                .forEach((lang, language) ->
                        language.versions().forEach(v -> all.add(new RuntimeInfo(lang, v, true, null))));
        return all;
    }

    @Override
    public String runnerKind() {
        return "remote";
    }
}
