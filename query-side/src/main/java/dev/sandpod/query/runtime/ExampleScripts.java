package dev.sandpod.query.runtime;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.stereotype.Component;

/** One starter script per language; each greets and shows a feature of a recent version of its language. */
@Component
public class ExampleScripts {

    private static final String PYTHON = """
            import sys

            def describe(value):
                # structural pattern matching: Python 3.10+
                match value:
                    case {"lang": lang, "version": (major, minor)}:
                        return f"{lang} {major}.{minor}"
                    case _:
                        return "something else"

            runtime = {"lang": "Python", "version": sys.version_info[:2]}
            print(f"Hello from a Python {describe(runtime)} sandbox!")
            """;

    private static final String NODE = """
            // Array.prototype.at and structuredClone: Node 17+
            const versions = process.versions.node.split('.');
            const copy = structuredClone({ versions });
            console.log(`Hello from a Node.js ${copy.versions.at(0)} sandbox!`);
            """;

    private static final String RUBY = """
            # hash shorthand syntax: Ruby 3.1+
            lang = "Ruby"
            version = RUBY_VERSION
            info = {lang:, version:}
            puts "Hello from a #{info[:lang]} #{info[:version]} sandbox!"
            """;

    private static final String BASH = """
            #!/usr/bin/env bash
            # ${var@U} upper-cases a value: Bash 5.1+
            lang="bash"
            echo "Hello from a ${lang@U} ${BASH_VERSINFO[0]}.${BASH_VERSINFO[1]} sandbox!"
            """;

    private static final String GO = """
            package main

            import (
            	"fmt"
            	"runtime"
            )

            // Generics: Go 1.18+
            func First[T any](items []T) T {
            	return items[0]
            }

            func main() {
            	fmt.Printf("Hello from a Go %s sandbox!\\n", First([]string{runtime.Version()}))
            }
            """;

    public Map<String, String> all() {
        Map<String, String> scripts = new LinkedHashMap<>();
        scripts.put("python", PYTHON);
        scripts.put("node", NODE);
        scripts.put("ruby", RUBY);
        scripts.put("bash", BASH);
        scripts.put("go", GO);
        return scripts;
    }
}
