package io.ctiserver.server.ami.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ctiserver.ami.AmiMessage;
import io.ctiserver.testing.Captures;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class AmiDecoderTest {

    static Stream<Path> captures() {
        List<Path> all = Captures.all();
        assertTrue(all.size() >= 10, "expected the repository's captures, found " + all);
        return all.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("captures")
    void everyCaptureDecodesWholeAndReencodesByteExact(Path capture) throws Exception {
        byte[] bytes = Files.readAllBytes(capture);
        List<Object> out = decode(new EmbeddedChannel(new AmiDecoder(true)), List.of(Unpooled.wrappedBuffer(bytes)));

        assertEquals(new AmiBanner(AmiBanner.ASTERISK_22), out.get(0));
        List<AmiMessage> messages = messagesOnly(out.subList(1, out.size()));
        assertEquals(out.size() - 1, messages.size(), "no decode error on a real capture: " + out);
        assertEquals(countBlocks(bytes), messages.size(), "messages vs blank-line-terminated blocks");

        ByteBuf again = Unpooled.buffer();
        AmiEncoder.writeBanner((AmiBanner) out.get(0), again);
        messages.forEach(m -> AmiEncoder.encode(m, again));
        assertEquals(new String(bytes, StandardCharsets.ISO_8859_1), again.toString(StandardCharsets.ISO_8859_1));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("captures")
    void everyCaptureDecodesTheSameWhenSplitAtRandomBoundaries(Path capture) throws Exception {
        byte[] bytes = Files.readAllBytes(capture);
        List<Object> whole = decode(new EmbeddedChannel(new AmiDecoder(true)), List.of(Unpooled.wrappedBuffer(bytes)));
        for (long seed = 1; seed <= 3; seed++) {
            Random random = new Random(seed * 31 + capture.getFileName().toString().hashCode());
            boolean direct = seed % 2 == 0; // heap and direct buffers take different scanning paths
            List<ByteBuf> chunks = new ArrayList<>();
            for (int at = 0; at < bytes.length; ) {
                int n = Math.min(bytes.length - at, 1 + random.nextInt(seed == 3 ? 4 : 700));
                ByteBuf chunk = direct ? Unpooled.directBuffer(n) : Unpooled.buffer(n);
                chunks.add(chunk.writeBytes(bytes, at, n));
                at += n;
            }
            List<Object> split = decode(new EmbeddedChannel(new AmiDecoder(true)), chunks);
            assertEquals(whole, split, "seed " + seed + ", " + chunks.size() + " chunks");
        }
    }

    @Test
    void repeatedKeysEmptyValuesAndColonsInValuesAreKept() {
        List<Object> out = decodeString(true, "Response: Success\r\nActionID: 9\r\nOutput: a: b: c\r\nOutput: \r\n"
                + "Output:x\r\nSystemName: \r\n\r\n");
        AmiMessage m = (AmiMessage) out.get(0);
        assertEquals(List.of("a: b: c", "", "x"), m.getAll("Output"));
        assertEquals("", m.get("SystemName"));
        assertEquals(1, out.size());
    }

    @Test
    void bannerOnlyWhenExpectedAndFirst() {
        assertEquals(List.of(new AmiBanner("Asterisk Call Manager/11.0.0"), AmiMessage.of("Event", "A")),
                decodeString(true, "Asterisk Call Manager/11.0.0\r\nEvent: A\r\n\r\n"));
        // The server side (actions in) has no banner: the same line is a header line without a colon.
        List<Object> out = decodeString(false, "Asterisk Call Manager/11.0.0\r\nAction: Ping\r\n\r\n");
        assertEquals(AmiDecodeError.Kind.LINE_WITHOUT_COLON, ((AmiDecodeError) out.get(0)).kind());
        assertEquals(AmiMessage.of("Action", "Ping"), out.get(1));
        // A client whose server skips the banner still decodes the first message.
        assertEquals(List.of(AmiMessage.of("Response", "Success")), decodeString(true, "Response: Success\r\n\r\n"));
    }

    @Test
    void bareLfAndUtf8AreAccepted() {
        List<Object> out = decodeString(true, "Event: Newchannel\nCallerIDName: José Müller 山田\n\n");
        assertEquals(AmiMessage.of("Event", "Newchannel", "CallerIDName", "José Müller 山田"), out.get(0));
    }

    @Test
    void valuesKeptAsBytesAreRightWhereverAReadEnds() {
        // Values stay bytes until asked for; a message spanning reads must still point at the right bytes.
        String text = "Event: Newchannel\r\nChannel: PJSIP/trunk-00000001\r\nCallerIDName: José Müller 山田\r\n"
                + "Uniqueid: 1795458467.0\r\nEmpty: \r\n\r\nEvent: Hangup\r\nCause: 16\r\n\r\n";
        List<Object> expected = List.of(
                AmiMessage.of("Event", "Newchannel", "Channel", "PJSIP/trunk-00000001", "CallerIDName",
                        "José Müller 山田", "Uniqueid", "1795458467.0", "Empty", ""),
                AmiMessage.of("Event", "Hangup", "Cause", "16"));
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        for (int cut = 1; cut < bytes.length; cut++) {
            List<Object> out = decode(new EmbeddedChannel(new AmiDecoder(true)), List.of(
                    Unpooled.wrappedBuffer(bytes, 0, cut), Unpooled.copiedBuffer(bytes, cut, bytes.length - cut)));
            assertEquals(expected, out, "cut at " + cut);
            AmiMessage m = (AmiMessage) out.get(0);
            assertEquals("1795458467.0", m.get("uniqueid"), "cut at " + cut);
            assertEquals("José Müller 山田", m.get("CallerIDName"), "cut at " + cut);
            assertEquals(expected.get(0).toString(), m.toString(), "cut at " + cut);
            assertEquals(expected.get(0).hashCode(), m.hashCode(), "cut at " + cut);
        }
    }

    @Test
    void lineWithoutColonIsSkippedAndTheMessageKept() {
        List<Object> out = decodeString(true, "Event: Hangup\r\nthis line has no colon\r\nCause: 16\r\n\r\n"
                + "Event: Next\r\n\r\n");
        AmiDecodeError error = assertInstanceOf(AmiDecodeError.class, out.get(0));
        assertEquals(AmiDecodeError.Kind.LINE_WITHOUT_COLON, error.kind());
        assertEquals("this line has no colon", error.excerpt());
        assertEquals(AmiMessage.of("Event", "Hangup", "Cause", "16"), out.get(1));
        assertEquals(AmiMessage.of("Event", "Next"), out.get(2));
        assertEquals(3, out.size());
    }

    @Test
    void emptyKeyIsALineWithoutColon() {
        List<Object> out = decodeString(false, ": value\r\nAction: Ping\r\n\r\n");
        AmiDecodeError error = assertInstanceOf(AmiDecodeError.class, out.get(0));
        assertEquals(AmiDecodeError.Kind.LINE_WITHOUT_COLON, error.kind());
        assertTrue(error.detail().contains("empty key"), error.detail());
        assertEquals(AmiMessage.of("Action", "Ping"), out.get(1));
    }

    @Test
    void binaryJunkIsSkippedPrecisely() {
        ByteBuf in = Unpooled.buffer();
        in.writeCharSequence("Event: VarSet\r\nVariable: X\r\n", StandardCharsets.US_ASCII);
        in.writeBytes(new byte[] {'V', 'a', 'l', ':', 0, 1, 2, (byte) 0xff, (byte) 0xfe, '\r', '\n'});
        in.writeBytes(new byte[] {(byte) 0xc3, (byte) 0x28, '\r', '\n'}); // invalid UTF-8
        in.writeCharSequence("Value: 1\r\n\r\nEvent: Next\r\n\r\n", StandardCharsets.US_ASCII);
        List<Object> out = decode(new EmbeddedChannel(new AmiDecoder(false)), List.of(in));

        AmiDecodeError first = assertInstanceOf(AmiDecodeError.class, out.get(0));
        assertEquals(AmiDecodeError.Kind.BINARY_LINE, first.kind());
        assertEquals("Val:.....", first.excerpt());
        assertTrue(first.detail().contains("line of 9 bytes"), first.detail());
        assertEquals(AmiDecodeError.Kind.BINARY_LINE, ((AmiDecodeError) out.get(1)).kind());
        assertEquals(AmiMessage.of("Event", "VarSet", "Variable", "X", "Value", "1"), out.get(2));
        assertEquals(AmiMessage.of("Event", "Next"), out.get(3));
        assertEquals(4, out.size());
    }

    @Test
    void oversizedLineIsDroppedWhileStreamingAndTheMessageKept() {
        AmiDecoder decoder = new AmiDecoder(false, 64, 4096);
        EmbeddedChannel ch = new EmbeddedChannel(decoder);
        String text = "Event: Big\r\nLong: " + "x".repeat(1000) + "\r\nAfter: 1\r\n\r\nEvent: Next\r\n\r\n";
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        List<Object> out = new ArrayList<>();
        for (int at = 0; at < bytes.length; at += 50) {
            ch.writeInbound(Unpooled.wrappedBuffer(bytes, at, Math.min(50, bytes.length - at)));
            // The long line never accumulates: at most one line's worth (plus the chunk that just arrived) is held.
            assertTrue(bufferedBytes(decoder) <= 64 + 1 + 50, "buffered " + bufferedBytes(decoder));
            drain(ch, out);
        }
        AmiDecodeError error = assertInstanceOf(AmiDecodeError.class, out.get(0));
        assertEquals(AmiDecodeError.Kind.LINE_TOO_LONG, error.kind());
        assertEquals("line of 1008 bytes is over the limit of 64 bytes; skipped", error.detail());
        assertTrue(error.excerpt().startsWith("Long: xxx"), error.excerpt());
        assertEquals(AmiMessage.of("Event", "Big", "After", "1"), out.get(1));
        assertEquals(AmiMessage.of("Event", "Next"), out.get(2));
        assertEquals(3, out.size());
    }

    @Test
    void oversizedLineInOneChunkIsAlsoReported() {
        List<Object> out = decode(new EmbeddedChannel(new AmiDecoder(false, 16, 4096)), List.of(Unpooled.copiedBuffer(
                "Event: A\r\nKey: 0123456789abcdef\r\n\r\n", StandardCharsets.US_ASCII)));
        assertEquals(AmiDecodeError.Kind.LINE_TOO_LONG, ((AmiDecodeError) out.get(0)).kind());
        assertEquals(AmiMessage.of("Event", "A"), out.get(1));
        // Exactly at the limit is fine.
        out = decode(new EmbeddedChannel(new AmiDecoder(false, 16, 4096)), List.of(Unpooled.copiedBuffer(
                "Key: 0123456789a\r\n\r\n", StandardCharsets.US_ASCII)));
        assertEquals(List.of(AmiMessage.of("Key", "0123456789a")), out);
    }

    @Test
    void oversizedMessageIsDiscardedWholeAndReportedOnce() {
        StringBuilder big = new StringBuilder("Event: Huge\r\n");
        for (int i = 0; i < 40; i++) {
            big.append("Output: line ").append(i).append(" of a long command answer\r\n");
        }
        List<Object> out = decodeWith(new AmiDecoder(false, 64, 512),
                "Event: Before\r\n\r\n" + big + "\r\nEvent: After\r\n\r\n");
        assertEquals(AmiMessage.of("Event", "Before"), out.get(0));
        AmiDecodeError error = assertInstanceOf(AmiDecodeError.class, out.get(1));
        assertEquals(AmiDecodeError.Kind.MESSAGE_TOO_LARGE, error.kind());
        int size = big.length(); // every line of it, each with its line end
        assertEquals("message of " + size + " bytes is over the limit of 512 bytes; discarded", error.detail());
        assertEquals(AmiMessage.of("Event", "After"), out.get(2));
        assertEquals(3, out.size());
    }

    @Test
    void truncatedMessageAtEofIsReported() {
        EmbeddedChannel ch = new EmbeddedChannel(new AmiDecoder(true));
        ch.writeInbound(Unpooled.copiedBuffer("Asterisk Call Manager/11.0.0\r\nEvent: A\r\n\r\nEvent: Hangup\r\n"
                + "Channel: PJSIP/ag", StandardCharsets.US_ASCII));
        List<Object> out = new ArrayList<>();
        drain(ch, out);
        ch.finish();
        drain(ch, out);
        assertEquals(AmiMessage.of("Event", "A"), out.get(1));
        AmiDecodeError error = assertInstanceOf(AmiDecodeError.class, out.get(2));
        assertEquals(AmiDecodeError.Kind.TRUNCATED_AT_EOF, error.kind());
        assertEquals("connection closed inside a message: 1 complete header(s) and 17 byte(s) of a partial line lost",
                error.detail());
        assertEquals("Channel: PJSIP/ag", error.excerpt());
        assertEquals(3, out.size());
    }

    @Test
    void cleanEofReportsNothing() {
        EmbeddedChannel ch = new EmbeddedChannel(new AmiDecoder(false));
        ch.writeInbound(Unpooled.copiedBuffer("Event: A\r\n\r\n", StandardCharsets.US_ASCII));
        ch.finish();
        List<Object> out = new ArrayList<>();
        drain(ch, out);
        assertEquals(List.of(AmiMessage.of("Event", "A")), out);
    }

    @Test
    void junkWithoutLineEndsIsNeverBuffered() {
        // A flood of junk with no LF at all is dropped as it comes, never buffered beyond the line limit.
        AmiDecoder decoder = new AmiDecoder(false, 32, 64 * 1024);
        EmbeddedChannel ch = new EmbeddedChannel(decoder);
        byte[] junk = new byte[10_000];
        new Random(7).nextBytes(junk);
        for (int i = 0; i < junk.length; i++) {
            if (junk[i] == '\n') {
                junk[i] = 'x';
            }
        }
        ch.writeInbound(Unpooled.wrappedBuffer(junk));
        assertTrue(bufferedBytes(decoder) == 0, "junk is not buffered");
        ch.writeInbound(Unpooled.copiedBuffer("\r\nEvent: A\r\n\r\n", StandardCharsets.US_ASCII));
        List<Object> out = new ArrayList<>();
        drain(ch, out);
        assertEquals(AmiDecodeError.Kind.LINE_TOO_LONG, ((AmiDecodeError) out.get(0)).kind());
        assertEquals(AmiMessage.of("Event", "A"), out.get(1));
        assertFalse(ch.finish());
    }

    @Test
    void keysAreToldApartByEveryByteEvenBeyondWhatTheKeyCacheHolds() {
        // Keys that share their first, middle and last eight bytes and differ only in between, keys that differ
        // in case or in one byte anywhere, of every length from 1 to 40, and more distinct keys than the decoder's
        // key cache holds: each must come out exactly as sent, whether it was cached or not.
        List<String> keys = new ArrayList<>();
        for (int length = 1; length <= 40; length++) {
            for (int at = 0; at < length; at++) {
                char[] k = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmn".substring(0, length).toCharArray();
                k[at] = '_';
                keys.add(new String(k));
            }
            keys.add("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN".substring(0, length));
        }
        for (int i = 0; i < 2000; i++) {
            keys.add("Variable" + i);
        }
        StringBuilder text = new StringBuilder();
        List<AmiMessage> expected = new ArrayList<>();
        Random random = new Random(11);
        for (int round = 0; round < 3; round++) {
            for (int m = 0; m < keys.size(); m += 7) {
                AmiMessage.Builder b = AmiMessage.builder().add("Event", "VarSet");
                text.append("Event: VarSet\r\n");
                for (int h = 0; h < 7; h++) {
                    String key = keys.get((m + h * 31 + round) % keys.size());
                    String value = Integer.toString(random.nextInt(1000));
                    b.add(key, value);
                    text.append(key).append(": ").append(value).append("\r\n");
                }
                text.append("\r\n");
                expected.add(b.build());
            }
        }
        List<Object> out = decodeString(false, text.toString());
        assertEquals(expected, out);
        for (int i = 0; i < out.size(); i++) {
            AmiMessage m = (AmiMessage) out.get(i);
            for (int h = 0; h < m.size(); h++) {
                assertEquals(expected.get(i).key(h), m.key(h), "message " + i + ", header " + h);
            }
        }
    }

    @Test
    void shortKeyAtTheVeryEndOfAReadIsRight() {
        // A key shorter than eight bytes in a buffer that ends right after its line: no eight-byte read past it.
        EmbeddedChannel ch = new EmbeddedChannel(new AmiDecoder(false));
        List<Object> out = decode(ch, List.of(
                Unpooled.wrappedBuffer("Event: Cdr\r\n".getBytes(StandardCharsets.US_ASCII)),
                Unpooled.wrappedBuffer("Dst:1\r\n".getBytes(StandardCharsets.US_ASCII)),
                Unpooled.wrappedBuffer("A:\n".getBytes(StandardCharsets.US_ASCII)),
                Unpooled.wrappedBuffer("\r\n".getBytes(StandardCharsets.US_ASCII))));
        assertEquals(List.of(AmiMessage.of("Event", "Cdr", "Dst", "1", "A", "")), out);
    }

    @Test
    void limitsAreValidated() {
        assertThrows(IllegalArgumentException.class, () -> new AmiDecoder(true, 8, 1024));
        assertThrows(IllegalArgumentException.class, () -> new AmiDecoder(true, 4096, 1024));
        AmiDecoder d = new AmiDecoder(true, 100, 200);
        assertEquals(100, d.maxLineLength());
        assertEquals(200, d.maxMessageSize());
    }

    /** Counts messages independently of the decoder: non-empty blocks between blank lines, banner excluded. */
    static int countBlocks(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        String body = text.substring(text.indexOf("\r\n") + 2);
        int n = 0;
        for (String block : body.split("\r\n\r\n", -1)) {
            if (!block.isEmpty()) {
                n++;
            }
        }
        return n;
    }

    static List<AmiMessage> messagesOnly(List<Object> out) {
        List<AmiMessage> messages = new ArrayList<>();
        for (Object o : out) {
            if (o instanceof AmiMessage m) {
                messages.add(m);
            }
        }
        return messages;
    }

    private static int bufferedBytes(AmiDecoder decoder) {
        return decoder.bufferedBytes();
    }

    private static List<Object> decodeString(boolean banner, String text) {
        return decodeWith(new AmiDecoder(banner), text);
    }

    private static List<Object> decodeWith(AmiDecoder decoder, String text) {
        return decode(new EmbeddedChannel(decoder), List.of(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8)));
    }

    private static List<Object> decode(EmbeddedChannel ch, List<ByteBuf> chunks) {
        List<Object> out = new ArrayList<>();
        for (ByteBuf chunk : chunks) {
            ch.writeInbound(chunk);
            drain(ch, out);
        }
        ch.finish();
        drain(ch, out);
        return out;
    }

    private static void drain(EmbeddedChannel ch, List<Object> out) {
        for (Object o; (o = ch.readInbound()) != null; ) {
            out.add(o);
        }
    }
}
