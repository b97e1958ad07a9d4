package io.ctiserver.server.omni.bot;

import java.util.List;
import java.util.Map;

/**
 * A bot's answer; also the JSON an external bot returns ({@code text}, {@code links}, {@code handover},
 * {@code intent}, {@code data}, {@code understood}; every field optional).
 *
 * @param text       what the customer reads (null: nothing)
 * @param handover   hand the chat to a person now
 * @param intent     what the customer wants, as the bot understood it (shown in the agent's offer)
 * @param data       further data collected, e.g. {@code account}
 * @param understood false when the bot had no answer (counted towards the misses that hand over)
 * @param reason     why the bot handed over, for the agent's offer
 */
public record BotReply(String text, List<String> links, Boolean handover, String intent, Map<String, String> data,
                       Boolean understood, String reason) {

    public BotReply {
        links = links == null ? List.of() : List.copyOf(links);
        handover = handover != null && handover;
        data = data == null ? Map.of() : Map.copyOf(data);
        understood = understood == null || understood;
    }

    public static BotReply handover(String text, String reason) {
        return new BotReply(text, null, true, null, null, true, reason);
    }
}
