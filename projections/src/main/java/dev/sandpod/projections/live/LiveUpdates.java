package dev.sandpod.projections.live;

import dev.sandpod.api.execution.ExecutionFrameView;
import dev.sandpod.api.notification.NotificationView;

/**
 * Where a projection hands the live updates of the streams it feeds: an execution's lifecycle frames and a user's
 * new in-app notifications. Each update carries the key of the streams it is for (the frame's execution, the
 * notification's owner), so it can travel to another instance and be delivered there.
 *
 * <p>{@link LocalLiveUpdates} delivers to the streams open in this JVM (the single-instance default); with
 * {@code SANDPOD_REDIS_URL} set the application publishes them through Redis instead, and every instance delivers
 * them to its own streams ("Live updates across instances" in docs/architecture.md). Called in a unit of work,
 * an update leaves after its commit, never for a rolled-back one.
 */
public interface LiveUpdates {

    /** A lifecycle frame for the streams of {@code frame.executionId()}. */
    void executionFrame(ExecutionFrameView frame);

    /** A notification delivered in-app, for the streams of {@code notification.userId()}. */
    void notification(NotificationView notification);
}
