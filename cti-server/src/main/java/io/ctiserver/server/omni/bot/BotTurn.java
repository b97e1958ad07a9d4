package io.ctiserver.server.omni.bot;

import io.ctiserver.contact.ContactCustomer;
import io.ctiserver.contact.TranscriptEntry;
import java.util.List;
import java.util.Map;

/**
 * What a bot is asked: the customer's latest message, who they are, what was collected so far and the conversation.
 * This is also the JSON an external bot receives.
 */
public record BotTurn(String chatId, String text, ContactCustomer customer, String topic, Map<String, String> collected,
                      List<TranscriptEntry> history) {

    public BotTurn {
        collected = collected == null ? Map.of() : Map.copyOf(collected);
        history = history == null ? List.of() : List.copyOf(history);
    }
}
