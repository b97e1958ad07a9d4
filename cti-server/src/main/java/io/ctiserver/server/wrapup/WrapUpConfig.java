package io.ctiserver.server.wrapup;

import io.ctiserver.config.Range;
import io.ctiserver.tracker.TrackerOptions;
import java.util.Map;

/**
 * The {@code wrapUp} section: the server's wrap-up after an answered queue call, a queue pause with {@code reason}
 * in every queue of the agent for {@code seconds}, which the tracker reports as wrap-up and {@code wrapup.end} ends.
 * Example: <pre>{@code "wrapUp": {"seconds": 20, "queues": {"sales": 30, "vip": 0}, "reason": "wrap-up"}}</pre>
 *
 * @param seconds wrap-up after an answered call of a queue not listed in {@code queues}; 0 (the default): none
 * @param queues  wrap-up seconds per queue, over {@code seconds}; 0 turns it off for that queue
 * @param reason  the pause reason of the wrap-up; a member paused with it is in wrap-up, not on a break
 */
public record WrapUpConfig(@Range(min = 0, max = 3600) Integer seconds, Map<String, Integer> queues, String reason) {

    public static final String SECTION = "wrapUp";

    public WrapUpConfig {
        seconds = seconds == null ? 0 : seconds;
        if (seconds < 0) {
            throw new IllegalArgumentException("seconds: the wrap-up must be 0 seconds or more");
        }
        reason = reason == null ? TrackerOptions.DEFAULT_WRAP_UP_REASON : reason.trim();
        if (reason.isEmpty()) {
            throw new IllegalArgumentException("reason must not be blank: app_queue's pause without a reason is a "
                    + "break, which the wrap-up's timer would end");
        }
        if (queues != null && queues.values().stream().anyMatch(s -> s == null || s < 0)) {
            throw new IllegalArgumentException("queues: wrap-up seconds must be 0 or more");
        }
        queues = queues == null ? Map.of() : Map.copyOf(queues);
    }

    public static WrapUpConfig off() {
        return new WrapUpConfig(null, null, null);
    }

    /** The wrap-up after an answered call of {@code queue}, in seconds; 0: none. */
    public int secondsFor(String queue) {
        Integer own = queue == null ? null : queues.get(queue);
        return own != null ? own : seconds;
    }

    /** Whether any queue has a wrap-up: only then does the server pause agents after their calls. */
    public boolean enabled() {
        return seconds > 0 || queues.values().stream().anyMatch(s -> s > 0);
    }
}
