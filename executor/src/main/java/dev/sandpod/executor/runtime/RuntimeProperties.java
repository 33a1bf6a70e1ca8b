package dev.sandpod.executor.runtime;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The runtime registry as configuration: an operator adds a language or a version by adding an
 * entry, never by changing code. Defaults ship in {@code config/sandpod-runtimes.yml} inside the executor jar;
 * the map keeps the order of that file, which is the order of every "Supported: [...]" message.
 */
@ConfigurationProperties("sandpod.runtimes")
public record RuntimeProperties(Map<String, Language> languages) {

    public RuntimeProperties {
        languages = languages == null ? Map.of() : new LinkedHashMap<>(languages);
    }

    /**
     * One language.
     *
     * @param displayName human name, e.g. {@code Python}
     * @param versions    configured versions, in display order
     * @param fileName    the script's file name in the workspace, e.g. {@code main.py}
     * @param image       container image pattern of the Kubernetes runner, {@code {version}} substituted
     * @param command     command of the Kubernetes runner, run in the workspace
     * @param env         extra environment of every run of this language (both runners)
     * @param local       how the local runner finds and calls a host interpreter
     */
    public record Language(
            String displayName,
            List<String> versions,
            String fileName,
            String image,
            List<String> command,
            Map<String, String> env,
            Local local) {

        public Language {
            versions = versions == null ? List.of() : List.copyOf(versions);
            command = command == null ? List.of() : List.copyOf(command);
            env = env == null ? Map.of() : Map.copyOf(env);
        }

        /** Extension of the file name without the dot (the {@code file_ext} of the API). */
        public String fileExt() {
            int dot = fileName == null ? -1 : fileName.lastIndexOf('.');
            return dot < 0 ? "" : fileName.substring(dot + 1);
        }

        public String imageFor(String version) {
            return image == null ? null : image.replace("{version}", version);
        }
    }

    /**
     * Host interpreter mapping of the local runner.
     *
     * @param interpreters   absolute candidate paths in order of preference; {@code {version}} is substituted, so
     *                       {@code /usr/bin/python{version}} lets several Debian pythons serve several versions
     * @param versionCommand how to ask an interpreter for its version ({@code {interpreter}} substituted)
     * @param versionPattern regex over the version output; group 1 must equal the configured version
     * @param command        how to run the script ({@code {interpreter}}, {@code {file}} substituted)
     */
    public record Local(
            List<String> interpreters,
            @DefaultValue({"{interpreter}", "--version"}) List<String> versionCommand,
            String versionPattern,
            @DefaultValue({"{interpreter}", "{file}"}) List<String> command) {

        public Local {
            interpreters = interpreters == null ? List.of() : List.copyOf(interpreters);
        }
    }
}
