package dev.sandpod.executor.runtime;

import dev.sandpod.api.runtime.LanguageInfo;
import dev.sandpod.api.runtime.RuntimeCatalog;
import dev.sandpod.api.runtime.RuntimeInfo;
import dev.sandpod.executor.sandbox.LocalSandboxRunner;
import dev.sandpod.executor.sandbox.OutputSink;
import dev.sandpod.executor.sandbox.RunResult;
import dev.sandpod.executor.sandbox.RunSpec;
import dev.sandpod.executor.sandbox.SandboxLimits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry as the local runner can serve it. At startup every configured version is mapped to the first
 * candidate interpreter that, asked inside a real sandbox, reports exactly that version; a version with no
 * such interpreter is unavailable with the reason, and running it is refused — never served by another
 * version. Probing inside the sandbox (not on the host) also proves the interpreter works with only the
 * read-only binds it gets.
 */
public final class LocalRuntimeCatalog implements RuntimeCatalog {

    private static final Logger log = LoggerFactory.getLogger(LocalRuntimeCatalog.class);

    private final RuntimeProperties properties;
    private final Map<String, Map<String, Entry>> entries = new LinkedHashMap<>();

    private record Entry(ResolvedRuntime runtime, String reason) {}

    private record Probe(String output, String failure) {}

    public LocalRuntimeCatalog(RuntimeProperties properties, LocalSandboxRunner runner, Duration probeTimeout) {
        this.properties = properties;
        Map<String, Probe> probes = new HashMap<>();
        properties.languages().forEach((lang, language) -> {
            Map<String, Entry> versions = new LinkedHashMap<>();
            for (String version : language.versions()) {
                Entry entry = runner.capabilities().available()
                        ? resolve(lang, language, version, runner, probeTimeout, probes)
                        : new Entry(
                                null,
                                "local sandbox unavailable: "
                                        + runner.capabilities().problem());
                versions.put(version, entry);
                if (entry.runtime() != null) {
                    log.info(
                            "runtime {} {} -> {} ({})",
                            lang,
                            version,
                            entry.runtime().interpreter(),
                            entry.runtime().reportedVersion());
                } else {
                    log.info("runtime {} {} unavailable: {}", lang, version, entry.reason());
                }
            }
            entries.put(lang, versions);
        });
    }

    /** The interpreter to run {@code lang}/{@code version} with, when it is available. */
    public Optional<ResolvedRuntime> resolve(String lang, String version) {
        Map<String, Entry> versions = lang == null ? null : entries.get(lang);
        Entry entry = versions == null ? null : versions.get(version);
        return entry == null ? Optional.empty() : Optional.ofNullable(entry.runtime());
    }

    @Override
    public Optional<String> rejection(String lang, String version) {
        Optional<String> unknown = RuntimeMessages.unknown(properties, lang, version);
        if (unknown.isPresent()) {
            return unknown;
        }
        Entry entry = entries.get(lang).get(version);
        return entry.runtime() != null
                ? Optional.empty()
                : Optional.of(RuntimeMessages.unavailable(lang, version, entry.reason()));
    }

    @Override
    public Map<String, LanguageInfo> supportedRuntimes() {
        Map<String, LanguageInfo> supported = new LinkedHashMap<>();
        entries.forEach((lang, versions) -> {
            List<String> available = versions.entrySet().stream()
                    .filter(e -> e.getValue().runtime() != null)
                    .map(Map.Entry::getKey)
                    .toList();
            if (!available.isEmpty()) {
                supported.put(
                        lang,
                        new LanguageInfo(
                                available, properties.languages().get(lang).fileExt()));
            }
        });
        return Collections.unmodifiableMap(supported);
    }

    @Override
    public List<RuntimeInfo> all() {
        List<RuntimeInfo> all = new ArrayList<>();
        entries.forEach((lang, versions) -> versions.forEach(
                (version, entry) -> all.add(new RuntimeInfo(lang, version, entry.runtime() != null, entry.reason()))));
        return List.copyOf(all);
    }

    @Override
    public String runnerKind() {
        return "local";
    }

    private static Entry resolve(
            String lang,
            RuntimeProperties.Language language,
            String version,
            LocalSandboxRunner runner,
            Duration probeTimeout,
            Map<String, Probe> probes) {
        RuntimeProperties.Local local = language.local();
        if (local == null || local.interpreters().isEmpty() || local.versionPattern() == null) {
            return new Entry(null, "no host interpreter configured for " + lang);
        }
        Pattern pattern = Pattern.compile(local.versionPattern());
        List<String> tried = new ArrayList<>();
        List<String> found = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        for (String candidate : local.interpreters()) {
            String path = candidate.replace("{version}", version);
            if (tried.contains(path)) {
                continue;
            }
            tried.add(path);
            Path p = Path.of(path);
            if (!p.isAbsolute() || !Files.isRegularFile(p) || !Files.isExecutable(p)) {
                continue;
            }
            String real = realPath(p);
            if (seen.contains(real)) {
                continue;
            }
            seen.add(real);
            Probe probe = probes.computeIfAbsent(real, k -> probe(runner, lang, language, path, probeTimeout));
            if (probe.failure() != null) {
                found.add(path + " (" + probe.failure() + ")");
                continue;
            }
            Matcher m = pattern.matcher(probe.output());
            if (!m.find()) {
                found.add(path + " (unrecognised version output)");
                continue;
            }
            if (m.group(1).equals(version)) {
                String reported =
                        probe.output().strip().lines().findFirst().orElse("").strip();
                List<String> argv = local.command().stream()
                        .map(a -> a.replace("{interpreter}", path).replace("{file}", language.fileName()))
                        .toList();
                return new Entry(
                        new ResolvedRuntime(lang, version, path, reported, language.fileName(), argv, language.env()),
                        null);
            }
            found.add(path + " is " + m.group(1));
        }
        if (found.isEmpty()) {
            return new Entry(null, "no " + lang + " interpreter on this host (looked for " + tried + ")");
        }
        return new Entry(null, "no " + lang + " " + version + " interpreter on this host; found " + found);
    }

    private static Probe probe(
            LocalSandboxRunner runner,
            String lang,
            RuntimeProperties.Language language,
            String interpreter,
            Duration timeout) {
        List<String> argv = language.local().versionCommand().stream()
                .map(a -> a.replace("{interpreter}", interpreter))
                .toList();
        SandboxLimits limits = SandboxLimits.defaults().withTimeout(timeout).withMemoryBytes(512L << 20);
        RunSpec spec = new RunSpec("probe-" + lang, "probe", "", argv, language.env(), limits);
        RunResult result = runner.prepareOneOff(spec, OutputSink.NONE).execute();
        if (result.outcome() != RunResult.Outcome.COMPLETED || result.exitCode() != 0) {
            String detail = result.errorMessage() != null
                    ? result.errorMessage()
                    : result.stderr().trim();
            return new Probe(
                    null,
                    "fails in the sandbox: " + result.outcome() + " exit " + result.exitCode()
                            + (detail.isEmpty() ? "" : ", " + abbreviate(detail)));
        }
        return new Probe(result.stdout() + "\n" + result.stderr(), null);
    }

    private static String realPath(Path p) {
        try {
            return p.toRealPath().toString();
        } catch (IOException e) {
            return p.toString();
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }
}
