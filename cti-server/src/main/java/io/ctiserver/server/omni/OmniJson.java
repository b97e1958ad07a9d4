package io.ctiserver.server.omni;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.ctiserver.server.gateway.Json;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** Frames for desktops (the gateway's envelope: type, time, payload) and for customers (flat objects). */
public final class OmniJson {

    private record Envelope(String type, Instant time, Object payload) {
    }

    private OmniJson() {
    }

    public static byte[] event(String type, Instant time, Object payload) {
        return bytes(new Envelope(type, time, payload));
    }

    /** A customer frame: {@code {"type": type, k1: v1, ...}}. */
    public static byte[] customer(String type, Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", type);
        for (int i = 0; i + 1 < keysAndValues.length; i += 2) {
            if (keysAndValues[i + 1] != null) {
                m.put((String) keysAndValues[i], keysAndValues[i + 1]);
            }
        }
        return bytes(m);
    }

    public static byte[] bytes(Object o) {
        try {
            return Json.MAPPER.writeValueAsBytes(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + o.getClass().getSimpleName(), e);
        }
    }
}
