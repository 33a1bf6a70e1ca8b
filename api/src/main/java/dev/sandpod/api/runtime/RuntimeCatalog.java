package dev.sandpod.api.runtime;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The runtime registry as the rest of the platform sees it: which language/version pairs exist in the
 * configuration, and which of them the active runner can really run. Implemented by the executor.
 */
public interface RuntimeCatalog {

    /**
     * Empty when {@code lang}/{@code version} can be run now; otherwise the message of the 422 answer, e.g.
     * {@code Language 'x' not supported. Supported: [...]}, {@code Version 'v' not supported for x.
     * Supported: [...]}, or why a configured runtime is unavailable on this runner.
     */
    Optional<String> rejection(String lang, String version);

    /** Only what can run now: lang → versions and file extension (the {@code supported_runtimes} field). */
    Map<String, LanguageInfo> supportedRuntimes();

    /** Every configured runtime with its availability and, when unavailable, the reason. */
    List<RuntimeInfo> all();

    /** {@code local} or {@code kubernetes}. */
    String runnerKind();
}
