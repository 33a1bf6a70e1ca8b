package dev.sandpod.executor.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sandpod.api.execution.ExecutionInputs;
import dev.sandpod.api.execution.ExecutionInputs.InputFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher a run with inputs starts through, run for real by the host's POSIX sh in a scratch workspace: the
 * files arrive byte for byte (quotes, backslashes, {@code $(…)}, no final newline), arguments stay single words,
 * stdin comes through a pipe, and nothing is written through a symbolic link.
 */
class RunLauncherTest {

    @TempDir
    Path workspace;

    private record Ran(int exit, String stdout, String stderr) {}

    private Ran run(String launcher) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/bin/sh")) && Files.isExecutable(Path.of("/usr/bin/python3")));
        Files.writeString(workspace.resolve(RunLauncher.FILE_NAME), launcher);
        Process p = new ProcessBuilder("/bin/sh", RunLauncher.FILE_NAME)
                .directory(workspace.toFile())
                .start();
        p.getOutputStream().close();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new Ran(
                p.exitValue(),
                new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void aPythonScriptReadsTwoStdinLinesItsArgumentsAndAHelperModule() throws Exception {
        String script = "import sys, helper\n"
                + "a = sys.stdin.readline().rstrip('\\n')\nb = sys.stdin.readline().rstrip('\\n')\n"
                + "print(helper.shout(a), helper.shout(b), sys.argv[1:])\n";
        String helper = "def shout(s):\n    return s.upper() + '!'";
        ExecutionInputs inputs = new ExecutionInputs(
                "first line\nsecond 'line' $(id)\n",
                List.of("one", "two words", "it's", "$HOME", "`id`"),
                List.of(new InputFile("helper.py", helper)),
                null);
        Ran ran = run(RunLauncher.script("main.py", script, List.of("/usr/bin/python3", "main.py"), inputs, false));
        assertThat(ran.stderr()).isEmpty();
        assertThat(ran.stdout())
                .isEqualTo("FIRST LINE! SECOND 'LINE' $(ID)! ['one', 'two words', \"it's\", '$HOME', '`id`']\n");
        assertThat(Files.readString(workspace.resolve("helper.py"))).isEqualTo(helper);
        assertThat(Files.readString(workspace.resolve("main.py"))).isEqualTo(script);
    }

    @Test
    void contentThatLooksLikeShellOrLikeTheDelimiterIsWrittenLiterally() throws Exception {
        String tricky = "EOF\n'\"\\\n$(touch pwned)\n`touch pwned`\nSANDPOD_EOF_\n\n";
        ExecutionInputs inputs = new ExecutionInputs(null, List.of(), List.of(new InputFile("data.txt", tricky)), null);
        Ran ran = run(RunLauncher.script(
                "main.py",
                "print(open('data.txt').read(), end='')",
                List.of("/usr/bin/python3", "main.py"),
                inputs,
                false));
        assertThat(ran.stdout()).isEqualTo(tricky);
        assertThat(workspace.resolve("pwned")).doesNotExist();
    }

    @Test
    void aFileIsNeverWrittenThroughASymlink() throws Exception {
        Path outside = Files.createTempFile("sandpod-outside", ".txt");
        Files.writeString(outside, "untouched");
        Files.createSymbolicLink(workspace.resolve("data.txt"), outside);
        ExecutionInputs inputs =
                new ExecutionInputs(null, List.of(), List.of(new InputFile("data.txt", "overwritten")), null);
        Ran ran = run(RunLauncher.script("main.py", "print(1)", List.of("/usr/bin/python3", "main.py"), inputs, false));
        assertThat(ran.exit()).isEqualTo(125);
        assertThat(Files.readString(outside)).isEqualTo("untouched");
        Files.delete(outside);
    }

    @Test
    void goCompilesTheOtherGoFilesWithTheMainOne() {
        ExecutionInputs inputs = new ExecutionInputs(
                null,
                List.of("x"),
                List.of(new InputFile("util.go", "package main"), new InputFile("notes.txt", "n")),
                null);
        String launcher = RunLauncher.script("main.go", "package main", List.of("go", "run", "main.go"), inputs, true);
        assertThat(launcher).contains("exec 'go' 'run' 'main.go' 'util.go' 'x' </dev/null\n");
    }

    @Test
    void namesOutsideThePlainSetAreRefusedBeforeAnythingIsWritten() {
        for (String name :
                List.of("../evil.py", "a/b.py", ".hidden", "..", "main.py", "sandpod-run.sh", "x\u0000y", "a\nb")) {
            ExecutionInputs inputs = new ExecutionInputs(null, List.of(), List.of(new InputFile(name, "x")), null);
            assertThatThrownBy(() -> RunLauncher.script("main.py", "", List.of("python3", "main.py"), inputs, false))
                    .as(name)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
