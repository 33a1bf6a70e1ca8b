package dev.sandpod.executor.sandbox;

public enum StreamKind {
    STDOUT,
    STDERR
}
