package io.ctiserver.ami;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class AmiMessageTest {

    /** "Event: Hangup / Channel: PJSIP/a-1 / Output: x / output: y / Cause: 16" with values left as bytes. */
    private static AmiMessage lazy() {
        String text = "Event: Hangup\r\nChannel: PJSIP/a-1\r\nOutput: x\r\noutput: y\r\nCause: 16\r\n";
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        String[] keys = {"Event", "Channel", "Output", "output", "Cause"};
        String[] values = new String[keys.length];
        int[] bounds = new int[2 * keys.length];
        int at = 0;
        for (int i = 0; i < keys.length; i++) {
            int start = text.indexOf(": ", at) + 2;
            int end = text.indexOf("\r\n", start);
            bounds[2 * i] = start;
            bounds[2 * i + 1] = end;
            at = end;
        }
        values[0] = "Hangup"; // a value decoded already is used as it is
        return AmiMessage.ofBytes(keys, values, bytes, bounds);
    }

    private static final AmiMessage EAGER = AmiMessage.of("Event", "Hangup", "Channel", "PJSIP/a-1", "Output", "x",
            "output", "y", "Cause", "16");

    @Test
    void aMessageOverBytesReadsLikeOneBuiltFromStrings() {
        AmiMessage m = lazy();
        assertEquals("Hangup", m.eventName());
        assertEquals("PJSIP/a-1", m.get("channel"));
        assertEquals("16", m.get("CAUSE"));
        assertEquals(List.of("x", "y"), m.getAll("Output"));
        assertNull(m.get("Uniqueid"));
        assertTrue(m.has("cause"));
        assertFalse(m.has("Linkedid"));
        assertEquals("fallback", m.get("Linkedid", "fallback"));
        assertEquals(EAGER.headers(), m.headers());
        assertEquals(EAGER.toString(), m.toString());
        assertEquals(EAGER, m);
        assertEquals(m, EAGER);
        assertEquals(EAGER.hashCode(), m.hashCode());
        assertEquals(EAGER, m.toBuilder().build());
        assertFalse(m.equals(AmiMessage.of("Event", "Hangup", "Channel", "PJSIP/a-2", "Output", "x", "output", "y",
                "Cause", "16")));
    }

    @Test
    void aValueIsDecodedOnceAndSharedWithTaggedCopies() {
        AmiMessage m = lazy();
        String channel = m.get("Channel");
        assertSame(channel, m.get("Channel"));
        AmiMessage tagged = m.withSource("paris", 42L);
        assertSame(channel, tagged.get("Channel"));
        assertEquals("paris", tagged.pbx());
        assertEquals(42L, tagged.receivedAt());
        assertEquals(m, tagged);
    }

    @Test
    void threadsReadingAtOnceSeeTheSameValues() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            for (int round = 0; round < 200; round++) {
                AmiMessage m = lazy();
                List<Future<String>> reads = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    reads.add(pool.submit(() -> m.get("Channel") + "|" + m.get("Cause") + "|" + m.toString()));
                }
                for (Future<String> f : reads) {
                    assertEquals("PJSIP/a-1|16|" + EAGER, f.get());
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void arraysOfTheWrongSizeAreRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> AmiMessage.ofBytes(new String[2], new String[1], new byte[0], new int[4]));
        assertThrows(IllegalArgumentException.class,
                () -> AmiMessage.ofBytes(new String[2], new String[2], new byte[0], new int[3]));
    }
}
