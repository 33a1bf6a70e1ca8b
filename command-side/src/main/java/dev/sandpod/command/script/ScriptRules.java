package dev.sandpod.command.script;

import dev.sandpod.api.error.ErrorCode;
import dev.sandpod.api.error.RequestValidationException;
import dev.sandpod.api.error.RequestValidationException.Violation;
import dev.sandpod.api.error.SandpodException;
import dev.sandpod.api.runtime.RuntimeCatalog;
import dev.sandpod.api.runtime.RuntimeInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * The shape of a saved script: name 1–100 characters, script at most 50 000, description at most
 * 1 000, and a language/version the registry knows. A configured runtime that this runner cannot run now
 * may still be saved: the script is kept, not run.
 */
@Component
public class ScriptRules {

    static final int MAX_NAME = 100;
    static final int MAX_SCRIPT = 50_000;
    static final int MAX_DESCRIPTION = 1_000;

    private final RuntimeCatalog runtimes;

    ScriptRules(RuntimeCatalog runtimes) {
        this.runtimes = runtimes;
    }

    /** Checks the fields given ({@code null} = not given, allowed only when {@code partial}). */
    public void check(String name, String script, String description, boolean partial) {
        List<Violation> problems = new ArrayList<>();
        if (name == null) {
            if (!partial) {
                problems.add(violation("name", "Field required", "missing"));
            }
        } else if (name.isBlank() || name.length() > MAX_NAME) {
            problems.add(violation("name", "name must be 1 to " + MAX_NAME + " characters", "value_error"));
        }
        if (script == null) {
            if (!partial) {
                problems.add(violation("script", "Field required", "missing"));
            }
        } else if (script.length() > MAX_SCRIPT) {
            problems.add(violation("script", "Script must be at most 50000 characters", "value_error"));
        }
        if (description != null && description.length() > MAX_DESCRIPTION) {
            problems.add(violation(
                    "description", "description must be at most " + MAX_DESCRIPTION + " characters", "value_error"));
        }
        if (!problems.isEmpty()) {
            throw new RequestValidationException(problems);
        }
    }

    /** 422 with the same texts as an execution request for a language or version the registry does not have. */
    public void checkRuntime(String lang, String version) {
        Map<String, List<String>> known = new LinkedHashMap<>();
        for (RuntimeInfo info : runtimes.all()) {
            known.computeIfAbsent(info.lang(), l -> new ArrayList<>()).add(info.version());
        }
        List<String> versions = known.get(lang);
        if (versions == null) {
            throw new SandpodException(
                    ErrorCode.UNSUPPORTED_RUNTIME,
                    "Language '" + lang + "' not supported. Supported: " + List.copyOf(known.keySet()));
        }
        if (!versions.contains(version)) {
            throw new SandpodException(
                    ErrorCode.UNSUPPORTED_RUNTIME,
                    "Version '" + version + "' not supported for " + lang + ". Supported: " + versions);
        }
    }

    private static Violation violation(String field, String msg, String type) {
        return new Violation(List.of("body", field), msg, type);
    }
}
