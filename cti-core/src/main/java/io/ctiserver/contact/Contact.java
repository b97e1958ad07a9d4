package io.ctiserver.contact;

import java.time.Instant;
import java.util.Map;

/**
 * One customer contact of any medium, as routed: what it is, not where it is (that is {@link ContactView}).
 *
 * @param id          unique across media (a voice contact uses the call id)
 * @param routingData what was collected before routing: topic, IVR or bot data (intent, account number), subject
 * @param priority    higher is served first within a queue
 * @param createdAt   when the customer started it (the chat's start, the email's arrival)
 */
public record Contact(String id, Medium medium, ContactCustomer customer, String queue, String subject,
                      Map<String, String> routingData, int priority, Instant createdAt) {

    public Contact {
        routingData = routingData == null ? Map.of() : Map.copyOf(routingData);
        if (id == null || medium == null || queue == null || createdAt == null) {
            throw new IllegalArgumentException("a contact needs id, medium, queue and createdAt");
        }
    }

    public Contact inQueue(String newQueue) {
        return new Contact(id, medium, customer, newQueue, subject, routingData, priority, createdAt);
    }
}
