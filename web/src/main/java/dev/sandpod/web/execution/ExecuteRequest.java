package dev.sandpod.web.execution;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.sandpod.api.error.RequestValidationException;
import dev.sandpod.api.execution.ExecutionInputs;
import dev.sandpod.api.execution.InputLimits;
import dev.sandpod.web.apidocs.Addition;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The body of {@code POST /execute} (and each submission of a batch): the script, its runtime and its inputs. */
@JsonIgnoreProperties(ignoreUnknown = true)
@Schema(name = "ExecutionRequest")
record ExecuteRequest(
        @NotNull
        @Size(max = MAX_SCRIPT_LENGTH, message = "Script must be at most 50000 characters")
        @Schema(description = "The source to run")
        String script,

        @Schema(description = "The runtime's language (GET /api/v1/k8s-limits lists them)", defaultValue = "python")
        String lang,

        @Schema(description = "The runtime's version", defaultValue = "3.11")
        String langVersion,

        @Addition
        @Schema(
                description = "Text fed to the program's stdin (at most " + InputLimits.MAX_STDIN_BYTES
                        + " bytes, no NUL); absent: empty stdin",
                maxLength = InputLimits.MAX_STDIN_BYTES)
        String stdin,

        @Addition
        @ArraySchema(
                arraySchema =
                        @Schema(description = "Arguments appended to the runtime's command (e.g. python main.py a b)"),
                maxItems = InputLimits.MAX_ARGS,
                schema = @Schema(maxLength = InputLimits.MAX_ARG_LENGTH))
        List<String> args,

        @Addition
        @ArraySchema(
                arraySchema =
                        @Schema(
                                description = "Extra files written beside the main script (at most "
                                        + InputLimits.MAX_FILES + ", " + InputLimits.MAX_FILES_BYTES
                                        + " bytes in all): plain names of letters, digits, '.', '_', '-', not"
                                        + " starting with '.'"),
                maxItems = InputLimits.MAX_FILES,
                schema = @Schema(implementation = InputFileDoc.class))
        List<Map<String, Object>> files,

        @Addition
        @Schema(
                description = "What stdout should be; the result's output_match then says whether it was. Does"
                        + " not change the status")
        String expectedOutput) {

    String langOrDefault() {
        return lang == null ? "python" : lang;
    }

    String versionOrDefault() {
        return langVersion == null ? "3.11" : langVersion;
    }

    /**
     * The inputs as the admission checks them. A file is exactly {@code {name, content}}: anything else
     * (a link target, a mode, a path) is refused rather than ignored.
     */
    ExecutionInputs inputs() {
        List<ExecutionInputs.InputFile> parsed = new java.util.ArrayList<>();
        if (files != null) {
            if (files.size() > InputLimits.MAX_FILES) {
                throw RequestValidationException.of("body", "files", "At most " + InputLimits.MAX_FILES + " files");
            }
            for (int i = 0; i < files.size(); i++) {
                Map<String, Object> file = files.get(i);
                if (file == null
                        || !Set.of("name", "content").containsAll(file.keySet())
                        || !(file.get("name") instanceof String name)
                        || !(file.get("content") instanceof String content)) {
                    throw new RequestValidationException(List.of(new RequestValidationException.Violation(
                            List.of("body", "files", Integer.toString(i)),
                            "A file is {name, content}, both strings; nothing else (no links, modes or paths)",
                            "value_error")));
                }
                parsed.add(new ExecutionInputs.InputFile(name, content));
            }
        }
        return new ExecutionInputs(stdin, args, parsed, expectedOutput);
    }

    static final int MAX_SCRIPT_LENGTH = 50_000;

    @Schema(name = "ExecutionInputFile")
    record InputFileDoc(
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, maxLength = InputLimits.MAX_NAME_LENGTH)
            String name,

            @Schema(requiredMode = Schema.RequiredMode.REQUIRED)
            String content) {}
}
