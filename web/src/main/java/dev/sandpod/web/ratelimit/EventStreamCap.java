package dev.sandpod.web.ratelimit;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * Open event streams per identity on this instance (H24): beyond the cap a new stream is refused with 429;
 * a place is given back when its stream ends, however it ends.
 */
@Component
class EventStreamCap {

    private final Map<String, Integer> open = new ConcurrentHashMap<>();
    private final int cap;

    EventStreamCap(RateLimitProperties properties) {
        this.cap = properties.sseMaxConnectionsPerUser();
    }

    int cap() {
        return cap;
    }

    boolean tryOpen(String identity) {
        if (cap <= 0) {
            return true;
        }
        boolean[] opened = {false};
        open.compute(identity, (key, count) -> {
            int now = count == null ? 0 : count;
            if (now >= cap) {
                return count;
            }
            opened[0] = true;
            return now + 1;
        });
        return opened[0];
    }

    void close(String identity) {
        if (cap > 0) {
            open.computeIfPresent(identity, (key, count) -> count <= 1 ? null : count - 1);
        }
    }

    int openCount(String identity) {
        return open.getOrDefault(identity, 0);
    }
}
