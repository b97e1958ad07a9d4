package io.ctiserver.server.agi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ctiserver.server.agi.codec.AgiCommand;
import io.ctiserver.server.agi.codec.AgiDecodeError;
import io.ctiserver.server.agi.codec.AgiDecoder;
import io.ctiserver.server.agi.codec.AgiEncoder;
import io.ctiserver.server.agi.codec.AgiHangup;
import io.ctiserver.server.agi.codec.AgiReply;
import io.ctiserver.server.agi.codec.AgiRequest;
import io.ctiserver.testing.Captures;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AgiDecoderTest {

    static byte[] capture(String name) {
        return Captures.bytes("agi/" + name);
    }

    static ByteBuf buf(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.UTF_8);
    }

    static List<Object> drain(EmbeddedChannel ch) {
        List<Object> out = new ArrayList<>();
        Object o;
        while ((o = ch.readInbound()) != null) {
            out.add(o);
        }
        return out;
    }

    @Test
    void decodesEveryCapturedEnvironmentBlock() {
        for (String name : List.of("agi_env_local_channel_queue_support.txt", "agi_env_pjsip_channel_sipp_call.txt",
                "agi_env_local_channel_6000_routed_to_sales.txt")) {
            EmbeddedChannel ch = new EmbeddedChannel(new AgiDecoder());
            ch.writeInbound(Unpooled.wrappedBuffer(capture(name)));
            List<Object> out = drain(ch);
            assertEquals(1, out.size(), name);
            AgiRequest r = assertInstanceOf(AgiRequest.class, out.get(0));
            assertEquals("route", r.script(), name);
            assertEquals("22.10.1", r.get("agi_version"));
            assertEquals("incoming", r.context());
            assertEquals("", r.get("agi_accountcode"), "an empty value stays empty");
            assertEquals(2, r.args().size());
            assertEquals(r.extension(), r.arg(1));
            assertEquals(r.callerIdNumber(), r.arg(2));
            assertEquals(24, r.env().size(), name);
        }
    }

    @Test
    void capturedPjsipBlockFieldByField() {
        EmbeddedChannel ch = new EmbeddedChannel(new AgiDecoder());
        ch.writeInbound(Unpooled.wrappedBuffer(capture("agi_env_pjsip_channel_sipp_call.txt")));
        AgiRequest r = ch.readInbound();
        assertEquals("agi://127.0.0.1:4573/route", r.requestUrl());
        assertEquals("PJSIP/sipp-in-00000000", r.channel());
        assertEquals("1795458592.34", r.uniqueid());
        assertEquals("5551009", r.callerIdNumber());
        assertEquals("SIPp Caller", r.callerIdName());
        assertEquals("5000", r.get("agi_dnid"));
        assertNull(r.arg(3));
    }

    @Test
    void byteByByteGivesTheSameResult() {
        byte[] env = capture("agi_env_local_channel_queue_support.txt");
        EmbeddedChannel ch = new EmbeddedChannel(new AgiDecoder());
        for (byte b : env) {
            ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
        }
        ch.writeInbound(buf("200 result=1 (Local/5000@incoming-00000000;2)\n"));
        List<Object> out = drain(ch);
        assertEquals("Local/5000@incoming-00000000;2", ((AgiRequest) out.get(0)).channel());
        assertEquals(new AgiReply(200, "1", "Local/5000@incoming-00000000;2", null), out.get(1));
    }

    @Test
    void capturedDialogRepliesDecode() throws Exception {
        // the "<<" lines after the environment block in the captured dialog are Asterisk's replies
        List<String> lines = Files.readAllLines(Captures.file("agi/agi_dialog_local_channel_queue_support.txt"));
        StringBuilder fromAsterisk = new StringBuilder();
        for (String l : lines) {
            if (l.startsWith("<< ")) {
                fromAsterisk.append(l.substring(3)).append('\n');
            } else if (l.equals("<< ") || l.equals("<<")) {
                fromAsterisk.append('\n');
            }
        }
        EmbeddedChannel ch = new EmbeddedChannel(new AgiDecoder());
        ch.writeInbound(buf(fromAsterisk.toString()));
        List<Object> out = drain(ch);
        assertInstanceOf(AgiRequest.class, out.get(0));
        assertEquals(List.of(new AgiReply(200, "1", null, null),
                new AgiReply(200, "1", "Local/5000@incoming-00000000;2", null),
                new AgiReply(200, "1", null, null), new AgiReply(200, "1", null, null)), out.subList(1, out.size()));
    }

    static EmbeddedChannel afterEnv() {
        EmbeddedChannel ch = new EmbeddedChannel(new AgiDecoder());
        ch.writeInbound(Unpooled.wrappedBuffer(capture("agi_env_pjsip_channel_sipp_call.txt")));
        assertInstanceOf(AgiRequest.class, ch.readInbound());
        return ch;
    }

    @Test
    void repliesOfEveryKind() {
        EmbeddedChannel ch = afterEnv();
        ch.writeInbound(buf("200 result=0\r\n"
                + "200 result=1 (value with (parens) inside)\n"
                + "200 result=0 endpos=8000\n"
                + "200 result=52 (timeout)\n"
                + "200 result=\n"
                + "510 Invalid or unknown command\n"
                + "511 Command Not Permitted on a dead channel or intercept routine\n"
                + "520-Invalid command syntax.  Proper usage follows:\n"
                + " Usage: GET VARIABLE <variablename>\n"
                + "520-\tDoes not work with global variables.\n"
                + "520 End of proper usage.\n"
                + "HANGUP\n"
                + "520 Invalid command syntax.  Proper usage not available.\n"
                + "200 result=1\n"));
        List<Object> out = drain(ch);
        assertEquals(new AgiReply(200, "0", null, null), out.get(0));
        assertEquals(new AgiReply(200, "1", "value with (parens) inside", null), out.get(1));
        assertEquals(new AgiReply(200, "0", null, "endpos=8000"), out.get(2));
        assertEquals(new AgiReply(200, "52", "timeout", null), out.get(3));
        assertEquals(new AgiReply(200, "", null, null), out.get(4));
        assertEquals(new AgiReply(510, null, null, "Invalid or unknown command"), out.get(5));
        AgiReply dead = (AgiReply) out.get(6);
        assertEquals(AgiReply.DEAD_CHANNEL, dead.code());
        assertFalse(dead.ok());
        AgiReply usage = (AgiReply) out.get(7);
        assertEquals(520, usage.code());
        assertEquals("Invalid command syntax.  Proper usage follows:\n Usage: GET VARIABLE <variablename>\n"
                + "\tDoes not work with global variables.", usage.text());
        assertEquals(AgiHangup.INSTANCE, out.get(8));
        assertEquals(new AgiReply(520, null, null, "Invalid command syntax.  Proper usage not available."),
                out.get(9), "the one-line 520 form");
        assertEquals(new AgiReply(200, "1", null, null), out.get(10), "dialog goes on after HANGUP (dead channel)");
        assertEquals(11, out.size());
    }

    @Test
    void aLineThatIsNotAReplyIsReportedAndTheDialogGoesOn() {
        EmbeddedChannel ch = afterEnv();
        ch.writeInbound(buf("hello there\n200 result=1\n"));
        AgiDecodeError e = ch.readInbound();
        assertFalse(e.fatal());
        assertEquals("hello there", e.line());
        assertEquals(new AgiReply(200, "1", null, null), ch.readInbound());
    }

    @Test
    void anOversizedReplyLineIsSkippedWithoutBuffering() {
        EmbeddedChannel ch = new EmbeddedChannel(new AgiDecoder(128, 4096));
        ch.writeInbound(Unpooled.wrappedBuffer(capture("agi_env_pjsip_channel_sipp_call.txt")));
        ch.readInbound();
        ch.writeInbound(buf("200 result=1 (" + "x".repeat(300)));
        ch.writeInbound(buf("x".repeat(300) + ")\n200 result=1\n"));
        AgiDecodeError e = ch.readInbound();
        assertFalse(e.fatal());
        assertTrue(e.reason().contains("over the limit of 128"), e.reason());
        assertEquals(new AgiReply(200, "1", null, null), ch.readInbound());
    }

    @Test
    void malformedEnvironmentBlocksAreFatalAndTheRestIsDropped() {
        for (String bad : List.of("agi_network: yes\nthis is not agi\n\n",
                "agi_network: yes\nagi_channel: PJSIP/x\n\n",
                "GET / HTTP/1.1\nHost: x\n\n")) {
            EmbeddedChannel ch = new EmbeddedChannel(new AgiDecoder());
            ch.writeInbound(buf(bad + "200 result=1\n"));
            List<Object> out = drain(ch);
            assertEquals(1, out.size(), bad);
            AgiDecodeError e = assertInstanceOf(AgiDecodeError.class, out.get(0));
            assertTrue(e.fatal(), bad);
        }
    }

    @Test
    void environmentOverTheLimitsIsFatal() {
        EmbeddedChannel longLine = new EmbeddedChannel(new AgiDecoder(128, 1024));
        longLine.writeInbound(buf("agi_request: agi://x/" + "a".repeat(200)));
        AgiDecodeError e = longLine.readInbound();
        assertTrue(e.fatal());
        assertTrue(e.reason().contains("longer than 128"), e.reason());

        EmbeddedChannel big = new EmbeddedChannel(new AgiDecoder(128, 1024));
        StringBuilder sb = new StringBuilder("agi_request: agi://x/route\n");
        for (int i = 1; i < 100; i++) {
            sb.append("agi_arg_").append(i).append(": ").append("v".repeat(20)).append('\n');
        }
        big.writeInbound(buf(sb.append('\n').toString()));
        AgiDecodeError e2 = big.readInbound();
        assertTrue(e2.fatal());
        assertTrue(e2.reason().contains("over 1024 bytes"), e2.reason());
        assertNull(big.readInbound());
    }

    @Test
    void argumentsAreOrderedByNumberAndStopAtAGap() {
        EmbeddedChannel ch = new EmbeddedChannel(new AgiDecoder());
        ch.writeInbound(buf("agi_request: agi://h/survey?x=1\nagi_network_script: survey?x=1\n"
                + "agi_arg_2: b\nagi_arg_1: a\nagi_arg_4: d\n\n"));
        AgiRequest r = ch.readInbound();
        assertEquals(List.of("a", "b"), r.args());
        assertEquals("survey", r.script());
    }

    @Test
    void encoderQuotesArgumentsAsResAgiParsesThem() {
        EmbeddedChannel ch = new EmbeddedChannel(new AgiEncoder());
        ch.writeOutbound(AgiCommand.setVariable("CTI_ROUTE_REASON", "say \"hi\"\nC:\\x"));
        ByteBuf b = ch.readOutbound();
        String line = b.toString(StandardCharsets.UTF_8);
        b.release();
        assertEquals("SET VARIABLE \"CTI_ROUTE_REASON\" \"say \\\"hi\\\" C:\\\\x\"\n", line);
        assertEquals(List.of("SET", "VARIABLE", "CTI_ROUTE_REASON", "say \"hi\" C:\\x"),
                io.ctiserver.server.sim.AgiWords.split(line.trim()));
    }
}
