package io.ctiserver.events;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The one Jackson configuration for the domain contracts: Java time as ISO-8601 strings, not numbers. Storage,
 * the desktop gateway and {@code replay} share it so that a call record looks the same everywhere.
 */
public final class Json {

    private static final ObjectMapper MAPPER = newMapper();

    private Json() {
    }

    /** A fresh mapper with the shared settings (for callers that want to add their own modules). */
    public static ObjectMapper newMapper() {
        return new ObjectMapper()
                .registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                // Map.copyOf iterates in a per-JVM random order; sorted keys keep replay output identical run to run.
                .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
    }

    /** The shared mapper; thread-safe once configured, so do not reconfigure it. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** An event as desktops see it: {@code {"type":"call.offered", ...the record's fields}}. */
    public static ObjectNode eventNode(CtiEvent event) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("type", event.type());
        node.setAll((ObjectNode) MAPPER.valueToTree(event));
        return node;
    }

    /** A call record with {@code "type":"call.record"} first, the line format of {@code replay}. */
    public static ObjectNode recordNode(CallRecord record) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("type", "call.record");
        node.setAll((ObjectNode) MAPPER.valueToTree(record));
        return node;
    }
}
