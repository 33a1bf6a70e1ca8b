package dev.sandpod.sagas.notification;

import dev.sandpod.api.notification.NotificationChannel;
import java.util.List;

/** Makes one delivery attempt to a webhook or Slack. Never throws: every outcome is a {@link Result}. */
public interface WebhookClient {

    Result send(Delivery delivery);

    /** What one attempt posts. */
    record Delivery(
            String deliveryId,
            String notificationId,
            String userId,
            NotificationChannel channel,
            String target,
            String subject,
            String body,
            String actionUrl,
            String severity,
            List<String> tags,
            int attempt) {}

    /** {@code permanent}: retrying cannot help (a refused target, no signing key). */
    record Result(boolean delivered, Integer statusCode, String error, boolean permanent) {

        static final int MAX_ERROR = 300;

        static Result ok(int status) {
            return new Result(true, status, null, false);
        }

        static Result failed(Integer status, String error) {
            return new Result(false, status, clip(error), false);
        }

        static Result refused(String error) {
            return new Result(false, null, clip(error), true);
        }

        private static String clip(String error) {
            return error == null || error.length() <= MAX_ERROR ? error : error.substring(0, MAX_ERROR);
        }
    }
}
