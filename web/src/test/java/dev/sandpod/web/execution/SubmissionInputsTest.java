package dev.sandpod.web.execution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sandpod.api.error.RequestValidationException;
import dev.sandpod.api.execution.ExecutionInputs;
import dev.sandpod.api.execution.InputLimits;
import dev.sandpod.api.execution.OutputCheck;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The caps on a submission's inputs and the expected-output comparison a grader reads. */
class SubmissionInputsTest {

    private static ExecutionInputs files(String... names) {
        return new ExecutionInputs(
                null,
                List.of(),
                java.util.Arrays.stream(names)
                        .map(n -> new ExecutionInputs.InputFile(n, "x"))
                        .toList(),
                null);
    }

    @Test
    void plainNamesPassAndEverythingElseIsNamedInTheRefusal() {
        InputLimits.check(files("helper.py", "data_1.txt", "util-2.go"), "main.py");
        for (String name : List.of("../x", "a/b", ".env", "..", "main.py", "sandpod-run.sh", "a\u0000b", "a\tb", "")) {
            assertThatThrownBy(() -> InputLimits.check(files(name), "main.py"))
                    .as(name)
                    .isInstanceOfSatisfying(
                            RequestValidationException.class,
                            e -> assertThat(e.violations().get(0).loc()).containsExactly("body", "files", "0", "name"));
        }
        assertThatThrownBy(() -> InputLimits.check(files("a.py", "a.py"), "main.py"))
                .hasMessageContaining("Two files named a.py");
    }

    @Test
    void sizesAndCountsAreCapped() {
        assertThatThrownBy(() -> InputLimits.check(
                        new ExecutionInputs("x".repeat(InputLimits.MAX_STDIN_BYTES + 1), List.of(), List.of(), null),
                        "main.py"))
                .hasMessageContaining("stdin");
        assertThatThrownBy(() -> InputLimits.check(
                        new ExecutionInputs(null, Collections.nCopies(InputLimits.MAX_ARGS + 1, "a"), List.of(), null),
                        "main.py"))
                .hasMessageContaining("arguments");
        String[] many = new String[InputLimits.MAX_FILES + 1];
        for (int i = 0; i < many.length; i++) {
            many[i] = "f" + i;
        }
        assertThatThrownBy(() -> InputLimits.check(files(many), "main.py")).hasMessageContaining("files");
        String big = "é".repeat(InputLimits.MAX_FILES_BYTES / 2 + 1);
        assertThatThrownBy(() -> InputLimits.check(
                        new ExecutionInputs(
                                null, List.of(), List.of(new ExecutionInputs.InputFile("big.txt", big)), null),
                        "main.py"))
                .as("bytes, not characters")
                .hasMessageContaining("bytes in all");
    }

    @Test
    void expectedOutputMatchesExactlyOrAfterTrimmingTrailingWhitespace() {
        assertThat(OutputCheck.of("42\n", "42\n", false)).isEqualTo(new OutputCheck(true, true));
        assertThat(OutputCheck.of("42", "42  \n\n", false)).isEqualTo(new OutputCheck(false, true));
        assertThat(OutputCheck.of("a\nb", "a \r\nb\t\n", false)).isEqualTo(new OutputCheck(false, true));
        assertThat(OutputCheck.of(" 42", "42", false)).isEqualTo(new OutputCheck(false, false));
        assertThat(OutputCheck.of("42\n", "41\n", false)).isEqualTo(new OutputCheck(false, false));
        assertThat(OutputCheck.of("42\n", "42\n", true))
                .as("a cut stdout matches nothing")
                .isEqualTo(new OutputCheck(false, false));
        assertThat(OutputCheck.of(null, "42\n", false)).isNull();
    }
}
