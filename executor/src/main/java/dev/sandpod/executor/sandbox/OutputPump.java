package dev.sandpod.executor.sandbox;

import dev.sandpod.executor.sandbox.SandboxRun.Termination;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads a run's stdout or stderr pipe into its {@link OutputCapture}, on a reader thread of the supervisor. */
final class OutputPump {

    private static final Logger log = LoggerFactory.getLogger(OutputPump.class);
    private static final int READ_CHUNK = 8 * 1024;

    private OutputPump() {}

    /**
     * Copies one pipe into its capture. Past the cap the run is killed (KILL) or the pipe is still drained and
     * dropped (DISCARD), so the program never blocks on a full pipe.
     */
    static void pump(InputStream in, OutputCapture capture, SandboxRun run, boolean killOnOverflow) {
        byte[] buffer = new byte[READ_CHUNK];
        try (in) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                if (capture.accept(buffer, n) && killOnOverflow) {
                    run.terminate(Termination.OUTPUT_LIMIT);
                }
            }
        } catch (IOException e) {
            log.debug("{} of {} closed: {}", capture.kind(), run.spec().name(), e.toString());
        }
    }

    /** Pipes reach EOF once the pid namespace is gone; a holder that escaped would only delay us by the grace. */
    static void await(Future<?> reader, InputStream stream, Duration grace) {
        try {
            reader.get(grace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            log.warn("output pipe still open {} after the run ended; abandoning it", grace);
            reader.cancel(true);
            try {
                stream.close();
            } catch (IOException ignored) {
                // The reader is abandoned either way.
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            log.warn("output reader failed", e.getCause());
        }
    }
}
