package dev.sandpod.executor;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/** Boots the executor module on its own, as the app's component scan of {@code dev.sandpod} would. */
@SpringBootApplication
public class ExecutorTestApplication {}
