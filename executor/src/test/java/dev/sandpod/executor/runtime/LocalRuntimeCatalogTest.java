package dev.sandpod.executor.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandpod.api.runtime.RuntimeInfo;
import dev.sandpod.executor.TestSettings;
import dev.sandpod.executor.sandbox.LocalSandboxRunner;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LocalRuntimeCatalogTest {

    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(10);

    private static LocalSandboxRunner runner;
    private static LocalRuntimeCatalog catalog;

    @BeforeAll
    static void probeTheHost() {
        runner = new LocalSandboxRunner(TestSettings.executor().sandbox(), 8192, Duration.ofMillis(50));
        catalog = new LocalRuntimeCatalog(TestSettings.runtimes(), runner, PROBE_TIMEOUT);
    }

    @AfterAll
    static void closeRunner() {
        runner.close();
    }

    @Test
    void anUnknownLanguageIsRejectedListingTheConfiguredOnes() {
        assertThat(catalog.rejection("cobol", "1"))
                .contains("Language 'cobol' not supported. Supported: [python, node, ruby, bash, go]");
    }

    @Test
    void anUnknownVersionIsRejectedListingTheConfiguredVersions() {
        assertThat(catalog.rejection("python", "2.7"))
                .contains("Version '2.7' not supported for python. Supported: [3.7, 3.8, 3.9, 3.10, 3.11, 3.12]");
    }

    @Test
    void python311IsServedByTheDebianInterpreterNotAShim() {
        assertThat(catalog.rejection("python", "3.11")).isEmpty();
        ResolvedRuntime python = catalog.resolve("python", "3.11").orElseThrow();
        assertThat(python.interpreter()).startsWith("/usr/");
        assertThat(python.reportedVersion()).startsWith("Python 3.11");
        assertThat(python.argv()).containsExactly(python.interpreter(), "main.py");
    }

    @Test
    void aConfiguredVersionTheHostLacksIsUnavailableWithTheReasonAndNeverSubstituted() {
        assertThat(catalog.resolve("python", "3.7")).isEmpty();
        assertThat(catalog.rejection("python", "3.7"))
                .hasValueSatisfying(message -> assertThat(message)
                        .startsWith("Runtime python 3.7 is not available on this runner: ")
                        .contains("is 3.11"));
    }

    @Test
    void bash52IsAvailable() {
        assertThat(catalog.rejection("bash", "5.2")).isEmpty();
    }

    @Test
    void supportedRuntimesListOnlyWhatCanRunWithTheFileExtension() {
        assertThat(catalog.supportedRuntimes().get("python").versions())
                .contains("3.11")
                .doesNotContain("3.7");
        assertThat(catalog.supportedRuntimes().get("python").fileExt()).isEqualTo("py");
        catalog.supportedRuntimes()
                .forEach((lang, info) -> info.versions()
                        .forEach(v -> assertThat(catalog.rejection(lang, v)).isEmpty()));
    }

    @Test
    void everyConfiguredRuntimeIsListedWithItsAvailability() {
        List<RuntimeInfo> all = catalog.all();
        assertThat(all).hasSize(6 + 3 + 3 + 3 + 4);
        assertThat(all)
                .filteredOn(r -> !r.available())
                .allSatisfy(r -> assertThat(r.reason()).isNotBlank());
        assertThat(all).contains(new RuntimeInfo("python", "3.11", true, null));
        assertThat(catalog.runnerKind()).isEqualTo("local");
    }

    @Test
    void anInterpreterReportingAnotherVersionDoesNotServeTheConfiguredOne() {
        Map<String, RuntimeProperties.Language> languages = new LinkedHashMap<>();
        languages.put(
                "python",
                new RuntimeProperties.Language(
                        "Python",
                        List.of("9.9"),
                        "main.py",
                        null,
                        List.of(),
                        Map.of(),
                        new RuntimeProperties.Local(
                                List.of("/usr/bin/python3"),
                                List.of("{interpreter}", "--version"),
                                "Python (\\d+\\.\\d+)",
                                List.of("{interpreter}", "{file}"))));
        LocalRuntimeCatalog odd = new LocalRuntimeCatalog(new RuntimeProperties(languages), runner, PROBE_TIMEOUT);

        assertThat(odd.rejection("python", "9.9"))
                .hasValueSatisfying(message -> assertThat(message)
                        .contains("no python 9.9 interpreter on this host")
                        .contains("/usr/bin/python3 is 3."));
        assertThat(odd.supportedRuntimes()).isEmpty();
    }
}
