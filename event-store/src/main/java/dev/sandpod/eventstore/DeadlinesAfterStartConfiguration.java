package dev.sandpod.eventstore;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jobrunr.server.JobActivator;
import org.jobrunr.server.JobActivatorShutdownException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.BeansException;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Deadlines (JobRunr jobs) run only once the application has started. JobRunr's server starts when the beans
 * are created, before Axon's processors and command handlers: after a restart, overdue backstop deadlines fired
 * into that half-started app, failed ("Failed to send a DeadlineMessage"), and their executions waited far longer
 * than their timeout + grace (the kill -9 journey saw runs still unfinished two minutes after the restart). This
 * job activator, which JobRunr asks for the object that runs a job, holds a job until the app is ready (at most
 * {@link #MAX_WAIT}), so a due deadline runs right after the start instead of failing.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(JobActivator.class)
class DeadlinesAfterStartConfiguration {

    static final Duration MAX_WAIT = Duration.ofMinutes(3);

    /** Named as the JobRunr starter's own, which backs off when one exists. */
    @Bean
    ReadyJobActivator jobActivator(ApplicationContext context) {
        return new ReadyJobActivator(context);
    }

    static final class ReadyJobActivator implements JobActivator, ApplicationListener<ApplicationReadyEvent> {

        private static final Logger log = LoggerFactory.getLogger(ReadyJobActivator.class);

        private final ApplicationContext context;
        private final CountDownLatch ready = new CountDownLatch(1);

        ReadyJobActivator(ApplicationContext context) {
            this.context = context;
        }

        @Override
        public void onApplicationEvent(ApplicationReadyEvent event) {
            if (event.getApplicationContext() == context) {
                ready.countDown();
            }
        }

        @Override
        public <T> T activateJob(Class<T> type) throws JobActivatorShutdownException {
            try {
                if (!ready.await(MAX_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                    log.warn("a job runs although the application has not become ready within {}", MAX_WAIT);
                    ready.countDown();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new JobActivatorShutdownException("interrupted while waiting for the application to start", e);
            }
            try {
                return context.getBean(type);
            } catch (BeansException e) {
                throw new JobActivatorShutdownException("no " + type.getName() + " in the application (closing?)", e);
            }
        }
    }
}
