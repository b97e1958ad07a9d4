package io.ctiserver.ami;

import java.util.List;

/**
 * The answer to one action: the {@code Response:} message and, for an event-list action (CoreShowChannels,
 * QueueStatus, Status, ...), every event that carried the same ActionID up to and including the {@code ...Complete}
 * event.
 */
public record AmiResponse(AmiMessage response, List<AmiMessage> events) {

    public AmiResponse {
        events = List.copyOf(events);
    }

    public static AmiResponse of(AmiMessage response) {
        return new AmiResponse(response, List.of());
    }

    /** {@code Response: Success} (or {@code Follows}, the old Command answer). */
    public boolean isSuccess() {
        String r = response.response();
        return "Success".equalsIgnoreCase(r) || "Follows".equalsIgnoreCase(r) || "Goodbye".equalsIgnoreCase(r);
    }

    /** Asterisk's own {@code Message:} text, e.g. "Interface not found" or "No such channel". */
    public String message() {
        return response.get("Message", "");
    }
}
