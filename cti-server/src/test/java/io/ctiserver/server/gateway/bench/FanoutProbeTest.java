package io.ctiserver.server.gateway.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ctiserver.server.gateway.session.SharedBody;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The bench's gateway-side figures: per frame, and per event to its last desktop, by event type. */
class FanoutProbeTest {

    private static SharedBody body(String type, long entered) {
        return new SharedBody(("{\"type\":\"" + type + "\",\"payload\":{}}").getBytes(StandardCharsets.UTF_8),
                entered);
    }

    @Test
    void framesAreTimedFromTheirEventsEntryAndEachEventByItsLastDesktop() {
        FanoutProbe probe = new FanoutProbe();
        SharedBody p1 = body("presence", 1_000_000);
        SharedBody p2 = body("presence", 50_000_000);
        SharedBody call = body("agent.state", 2_000_000);
        probe.written(p1, 2_000_000);   // 1 ms
        probe.written(call, 3_000_000); // 1 ms, another type
        probe.written(p1, 4_000_000);   // 3 ms: p1's last desktop
        probe.written(p2, 52_000_000);  // 2 ms: p2's only desktop
        FanoutProbe.Result presence = probe.of("presence");
        assertEquals(3, presence.frames().samples());
        assertEquals(2000, presence.frames().p50());
        assertEquals(3000, presence.frames().max());
        assertEquals(2, presence.lastDesktop().samples());
        assertEquals(2000, presence.lastDesktop().p50());
        assertEquals(3000, presence.lastDesktop().max());
        FanoutProbe.Result calls = probe.of("agent.state");
        assertEquals(1, calls.frames().samples());
        assertEquals(1000, calls.lastDesktop().max());
        assertEquals(0, probe.of("presence.snapshot").frames().samples(), "the type matches whole, not as a prefix");

        probe.reset();
        assertEquals(0, probe.of("presence").frames().samples());
    }
}
