package io.ctiserver.server.omni.email;

import java.time.Instant;
import java.util.List;

/**
 * A customer's email as read from the mailbox: the threading headers, who, what.
 *
 * @param references the References header's Message-IDs, oldest first
 */
public record InboundEmail(String messageId, String inReplyTo, List<String> references, String fromAddress,
                           String fromName, String subject, String text, Instant receivedAt) {

    public InboundEmail {
        references = references == null ? List.of() : List.copyOf(references);
    }
}
