package io.ctiserver.routing;

import java.time.Instant;
import java.util.Optional;

/** Who served a caller before: the basis of last-agent routing. */
public interface CallHistory {

    /** The last agent who answered a call from this caller. */
    record LastAgent(String agentInterface, String agentName, Instant endedAt) {
    }

    /** The last agent who served {@code callerNumber} at or after {@code since}. */
    Optional<LastAgent> lastAgent(String callerNumber, Instant since);

    static CallHistory none() {
        return (n, s) -> Optional.empty();
    }
}
