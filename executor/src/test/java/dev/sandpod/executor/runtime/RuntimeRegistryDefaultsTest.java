package dev.sandpod.executor.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandpod.executor.TestSettings;
import org.junit.jupiter.api.Test;

class RuntimeRegistryDefaultsTest {

    private final RuntimeProperties runtimes = TestSettings.runtimes();

    @Test
    void theShippedRegistryListsTheFiveLanguagesOfTheSpecInOrder() {
        assertThat(runtimes.languages()).containsOnlyKeys("python", "node", "ruby", "bash", "go");
        assertThat(runtimes.languages().keySet()).containsExactly("python", "node", "ruby", "bash", "go");
    }

    @Test
    void pythonHasItsVersionsImageFileAndCommand() {
        RuntimeProperties.Language python = runtimes.languages().get("python");
        assertThat(python.versions()).containsExactly("3.7", "3.8", "3.9", "3.10", "3.11", "3.12");
        assertThat(python.imageFor("3.11")).isEqualTo("python:3.11-slim");
        assertThat(python.fileName()).isEqualTo("main.py");
        assertThat(python.fileExt()).isEqualTo("py");
        assertThat(python.command()).containsExactly("python", "main.py");
        assertThat(python.env()).containsEntry("PYTHONUNBUFFERED", "1");
        assertThat(python.local().command()).containsExactly("{interpreter}", "{file}");
        assertThat(python.local().versionCommand()).containsExactly("{interpreter}", "--version");
    }

    @Test
    void goIsRunWithGoRunAndKeepsItsCachesInTheWorkspace() {
        RuntimeProperties.Language go = runtimes.languages().get("go");
        assertThat(go.command()).containsExactly("go", "run", "main.go");
        assertThat(go.local().command()).containsExactly("{interpreter}", "run", "{file}");
        assertThat(go.env())
                .containsEntry("GOCACHE", "/workspace/.cache/go-build")
                .doesNotContainKey("CGO_ENABLED");
        assertThat(go.versions()).containsExactly("1.19", "1.20", "1.21", "1.22");
        assertThat(go.imageFor("1.19")).isEqualTo("golang:1.19-alpine");
    }
}
