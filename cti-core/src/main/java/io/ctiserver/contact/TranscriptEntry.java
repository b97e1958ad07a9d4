package io.ctiserver.contact;

import com.fasterxml.jackson.annotation.JsonValue;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;

/**
 * One line of a contact's conversation: a chat message, a bot answer, an email, a system note. Text is kept as the
 * author wrote it (after the size and control-character checks); every page that shows it escapes it.
 *
 * @param seq  its position in the conversation, from 1 (customers resume after a seq)
 * @param name the author's display name (agent's username, the customer's name, the bot's name)
 * @param meta medium-specific data: an email's Message-ID and Subject, a bot's matched intent, ...
 */
public record TranscriptEntry(long seq, Instant at, From from, String name, String text, Map<String, String> meta) {

    public enum From {
        CUSTOMER, AGENT, BOT, SYSTEM;

        @JsonValue
        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public TranscriptEntry {
        meta = meta == null ? Map.of() : Map.copyOf(meta);
    }
}
