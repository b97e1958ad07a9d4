package io.ctiserver.contact;

/**
 * A queue of digital contacts (chat, email).
 *
 * @param offerTimeoutSeconds an offer not accepted within this goes to the next agent
 * @param order               the order among agents with the same free capacity
 */
public record QueueSettings(String name, Integer offerTimeoutSeconds, Order order) {

    /** Tie-break among the eligible agents with the most free capacity. */
    public enum Order {
        /** The agent whose load changed longest ago (finished or got a contact least recently) first. */
        LONGEST_IDLE,
        /** The agents in the order they became members of the queue. */
        LINEAR
    }

    public QueueSettings {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("omni.queues[].name is required");
        }
        offerTimeoutSeconds = offerTimeoutSeconds == null ? 30 : offerTimeoutSeconds;
        if (offerTimeoutSeconds < 1) {
            throw new IllegalArgumentException("omni.queues[].offerTimeoutSeconds must be at least 1");
        }
        order = order == null ? Order.LONGEST_IDLE : order;
    }

    public static QueueSettings of(String name) {
        return new QueueSettings(name, null, null);
    }
}
