package dev.sandpod.executor.kubernetes;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shared informer on the run pods of the namespace: list + watch; a watch that ends with 410 Gone is followed
 * by a fresh list, and a full resync re-delivers every pod every {@code resync}.
 */
final class RunPodInformer {

    private static final Logger log = LoggerFactory.getLogger(RunPodInformer.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private RunPodInformer() {}

    /**
     * Starts the informer and waits for its first list; fails when the pods cannot be listed and watched.
     *
     * @param published gets the informer before it starts, so that events during the first list can use its cache
     */
    static SharedIndexInformer<Pod> start(
            KubernetesClient client,
            String namespace,
            Duration resync,
            Consumer<Pod> observed,
            Consumer<Pod> gone,
            Consumer<SharedIndexInformer<Pod>> published) {
        SharedIndexInformer<Pod> inf = client.pods()
                .inNamespace(namespace)
                .withLabels(RunPod.selector())
                .runnableInformer(resync.toMillis());
        inf.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod pod) {
                observed.accept(pod);
            }

            @Override
            public void onUpdate(Pod before, Pod pod) {
                observed.accept(pod);
            }

            @Override
            public void onDelete(Pod pod, boolean finalStateUnknown) {
                gone.accept(pod);
            }
        });
        // Never give up on the API server (the informer lists again and re-watches), except at the start for an
        // answer that no retry changes (no permission, no such namespace): then the executor does not start.
        inf.exceptionHandler((started, error) -> {
            if (!started && permanent(error)) {
                return false;
            }
            log.warn("pod informer: {}; retrying", error.toString());
            return true;
        });
        published.accept(inf);
        try {
            inf.start().toCompletableFuture().get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while listing run pods", e);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            inf.close();
            throw new IllegalStateException("cannot list and watch pods in namespace " + namespace + ": " + e, e);
        }
        return inf;
    }

    private static boolean permanent(Throwable error) {
        Throwable cause = error;
        while (cause != null
                && !(cause instanceof KubernetesClientException)
                && cause.getCause() != null
                && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        if (cause instanceof KubernetesClientException k) {
            int code = k.getCode();
            return code == 400 || code == 401 || code == 403 || code == 404 || code == 422;
        }
        return io.fabric8.kubernetes.client.informers.ExceptionHandler.isDeserializationException(error);
    }
}
