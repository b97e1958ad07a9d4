package io.ctiserver.contact;

import java.util.Map;

/**
 * Who the contact is with, as far as known: what the pre-chat form, the email's From or the caller id said, and
 * the customer record when one was found.
 *
 * @param customerId the directory's or CRM's id, or null
 * @param attributes further fields of the customer record
 */
public record ContactCustomer(String name, String email, String phone, String customerId,
                              Map<String, String> attributes) {

    public ContactCustomer {
        attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
    }

    public static ContactCustomer of(String name, String email, String phone) {
        return new ContactCustomer(name, email, phone, null, Map.of());
    }
}
