package dev.sandpod.executor.sandbox;

/**
 * Receives live output of one run, in order per stream, each piece at most the configured frame size (raw
 * bytes) and all pieces of a stream together at most its cap. Never called concurrently for the same run,
 * and never after the run's result is returned.
 */
@FunctionalInterface
public interface OutputSink {

    OutputSink NONE = (stream, text) -> {};

    void output(StreamKind stream, String text);
}
