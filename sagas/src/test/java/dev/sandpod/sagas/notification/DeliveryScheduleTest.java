package dev.sandpod.sagas.notification;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DeliveryScheduleTest {

    private final DeliverySchedule schedule =
            new DeliverySchedule(5, Duration.ofSeconds(30), 2.0, Duration.ofMinutes(3));

    @Test
    void theBackoffDoublesFromTheInitialWaitUpToTheCap() {
        assertThat(schedule.backoff(1)).isEqualTo(Duration.ofSeconds(30));
        assertThat(schedule.backoff(2)).isEqualTo(Duration.ofSeconds(60));
        assertThat(schedule.backoff(3)).isEqualTo(Duration.ofSeconds(120));
        assertThat(schedule.backoff(4)).isEqualTo(Duration.ofMinutes(3));
        assertThat(schedule.backoff(40)).isEqualTo(Duration.ofMinutes(3));
    }

    @Test
    void theLastAttemptIsTheConfiguredOne() {
        assertThat(schedule.isLast(4)).isFalse();
        assertThat(schedule.isLast(5)).isTrue();
    }
}
