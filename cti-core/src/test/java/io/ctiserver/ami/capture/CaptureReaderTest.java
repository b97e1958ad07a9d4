package io.ctiserver.ami.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ctiserver.ami.AmiMessage;
import io.ctiserver.testing.Captures;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CaptureReaderTest {

    @Test
    void readsARealCaptureWithBannerAndCrlf() {
        List<AmiMessage> messages = CaptureReader.readAll(Captures.file("02_queue_call_answered_by_agent.txt"), "pbx9");
        assertEquals("Success", messages.get(0).response());
        assertEquals("FullyBooted", messages.get(1).eventName());
        assertEquals("Goodbye", messages.get(messages.size() - 1).response());
        assertTrue(messages.stream().allMatch(m -> "pbx9".equals(m.pbx()) && m.receivedAt() == 0));
        long newchannels = messages.stream().filter(m -> "Newchannel".equals(m.eventName())).count();
        long hangups = messages.stream().filter(m -> "Hangup".equals(m.eventName())).count();
        assertEquals(4, newchannels);
        assertEquals(newchannels, hangups);
    }

    @Test
    void keepsEmptyValuesAndColonsInValuesAndSkipsStrayLines() throws Exception {
        String text = "Asterisk Call Manager/11.0.0\r\nEvent: VarSet\r\nValue: \r\nAppData: a: b\r\nStatus:\r\n"
                + "garbage line\r\n\r\n\r\nEvent: Last\r\n";
        CaptureReader reader = new CaptureReader("p");
        List<AmiMessage> out = new ArrayList<>();
        reader.read(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), out::add);
        assertEquals("Asterisk Call Manager/11.0.0", reader.banner());
        assertEquals(2, out.size(), "blank-line runs do not make empty messages; a last message without blank line counts");
        assertEquals("", out.get(0).get("Value"));
        assertEquals("a: b", out.get(0).get("AppData"));
        assertEquals("", out.get(0).get("Status"));
        assertEquals(1, reader.skippedLines());
        assertEquals("Last", out.get(1).eventName());
    }
}
