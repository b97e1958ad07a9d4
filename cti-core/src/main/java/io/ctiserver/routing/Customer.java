package io.ctiserver.routing;

import java.util.List;
import java.util.Map;

/**
 * A customer as routing knows them, from the embedded directory or a CRM.
 *
 * @param numbers        the phone numbers the customer calls from (as imported; matching uses {@link PhoneNumbers})
 * @param tier           e.g. {@code gold}; the tiers that count as VIP are configured ({@code routing.vip.tiers})
 * @param accountManager the queue-member interface of the customer's dedicated agent, e.g. {@code PJSIP/agent1}
 * @param attributes     any further fields of the source record, handed to the desktop as they are
 */
public record Customer(String id, String name, List<String> numbers, String tier, String language, String product,
                       String accountManager, Map<String, String> attributes) {

    public Customer {
        numbers = numbers == null ? List.of() : List.copyOf(numbers);
        attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
    }
}
