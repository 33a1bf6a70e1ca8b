package dev.sandpod.executor.runner;

/** How a runtime takes extra files: Go compiles the main file together with the other {@code .go} files. */
public final class RunInputsPolicy {

    private RunInputsPolicy() {}

    public static boolean compileTogether(String lang) {
        return "go".equals(lang);
    }
}
