package io.ctiserver.server.omni.email;

import java.util.List;

/**
 * An agent's answer to send: it keeps the thread with In-Reply-To (the customer's latest message) and References
 * (every Message-ID of the thread, oldest first), and a subject starting with "Re: ".
 */
public record EmailReply(String to, String subject, String text, String inReplyTo, List<String> references) {

    public EmailReply {
        references = references == null ? List.of() : List.copyOf(references);
    }
}
