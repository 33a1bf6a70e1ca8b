package dev.sandpod.executor.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandpod.executor.runtime.LocalRuntimeCatalog;
import dev.sandpod.executor.runtime.ResolvedRuntime;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Each language's example script (the texts of {@code GET /example-scripts}, copied from query-side's
 * {@code ExampleScripts}) runs through the local runner under the default limits of a run (128Mi,
 * 1000m, 64 pids, 10 s, 10 MiB workspace, 1 MiB output) and completes with exit 0 and its greeting — in CI,
 * with the interpreters Debian 12 ships (python 3.11, node 20, ruby 3.1, bash 5.2, go 1.19).
 */
class ExampleScriptsRunTest {

    static final String PYTHON = """
            import sys

            def describe(value):
                # structural pattern matching: Python 3.10+
                match value:
                    case {"lang": lang, "version": (major, minor)}:
                        return f"{lang} {major}.{minor}"
                    case _:
                        return "something else"

            runtime = {"lang": "Python", "version": sys.version_info[:2]}
            print(f"Hello from a {describe(runtime)} sandbox!")
            """;

    static final String NODE = """
            // Array.prototype.at and structuredClone: Node 17+
            const versions = process.versions.node.split('.');
            const copy = structuredClone({ versions });
            console.log(`Hello from a Node.js ${copy.versions.at(0)} sandbox!`);
            """;

    static final String RUBY = """
            # hash shorthand syntax: Ruby 3.1+
            lang = "Ruby"
            version = RUBY_VERSION
            info = {lang:, version:}
            puts "Hello from a #{info[:lang]} #{info[:version]} sandbox!"
            """;

    static final String BASH = """
            #!/usr/bin/env bash
            # ${var@u} upper-cases a value's first letter: Bash 5.1+
            lang="bash"
            echo "Hello from a ${lang@u} ${BASH_VERSINFO[0]}.${BASH_VERSINFO[1]} sandbox!"
            """;

    static final String GO = """
            package main

            import (
            	"fmt"
            	"runtime"
            	"strings"
            )

            // Generics: Go 1.18+
            func First[T any](items []T) T {
            	return items[0]
            }

            func main() {
            	// runtime.Version() is "go1.19.8": the language's name is already in the greeting
            	version := strings.TrimPrefix(runtime.Version(), "go")
            	fmt.Printf("Hello from a Go %s sandbox!\\n", First([]string{version}))
            }
            """;

    private static LocalSandboxRunner runner;
    private static LocalRuntimeCatalog catalog;

    @BeforeAll
    static void startRunner() {
        runner = TestRunners.runner();
        catalog = TestRunners.catalog(runner);
    }

    @AfterAll
    static void stopRunner() {
        runner.close();
    }

    /** The whole of stdout: the language's name once, then its version (no "Python Python 3.11", no "Go go1.19"). */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', textBlock = """
            python | 3.11 | Hello from a Python 3\\.\\d+ sandbox!\\n
            node   | 20   | Hello from a Node\\.js \\d+ sandbox!\\n
            ruby   | 3.1  | Hello from a Ruby 3\\.\\d+\\.\\d+ sandbox!\\n
            bash   | 5.2  | Hello from a Bash 5\\.\\d+ sandbox!\\n
            go     | 1.19 | Hello from a Go 1\\.\\d+(\\.\\d+)? sandbox!\\n
            """)
    void theExampleScriptCompletesWithExitZeroUnderTheDefaultLimits(String lang, String version, String greeting) {
        ResolvedRuntime runtime = TestRunners.runtime(catalog, lang, version);

        RunResult r = runner.prepare(
                        RunSpec.of("example-" + lang, runtime, script(lang), SandboxLimits.defaults()), OutputSink.NONE)
                .execute();

        assertThat(r.outcome()).as(r.toString()).isEqualTo(RunResult.Outcome.COMPLETED);
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stdout()).matches(greeting);
        assertThat(r.stderr()).isEmpty();
    }

    @org.junit.jupiter.api.Test
    void aGoProgramUsingTheNetworkStackBuildsFromThePrecompiledStandardLibraryWithinTheLimits() {
        ResolvedRuntime go = catalog.resolve("go", "1.19").orElseThrow();
        String program = """
                package main

                import (
                	"encoding/json"
                	"fmt"
                	"net/http"
                	"os/user"
                )

                func main() {
                	u, _ := user.Current()
                	b, _ := json.Marshal(map[string]int{"status": http.StatusOK})
                	fmt.Println("Hello from", u.Username, string(b))
                }
                """;

        RunResult r = runner.prepare(RunSpec.of("go-net", go, program, SandboxLimits.defaults()), OutputSink.NONE)
                .execute();

        assertThat(r.outcome()).as(r.toString()).isEqualTo(RunResult.Outcome.COMPLETED);
        assertThat(r.stdout()).as(r.stderr()).isEqualTo("Hello from sandbox {\"status\":200}\n");
        assertThat(r.peakMemoryKb()).isLessThan(128 * 1024);
    }

    static String script(String lang) {
        return switch (lang) {
            case "python" -> PYTHON;
            case "node" -> NODE;
            case "ruby" -> RUBY;
            case "bash" -> BASH;
            case "go" -> GO;
            default -> throw new IllegalArgumentException(lang);
        };
    }
}
