package io.ctiserver.server.ami.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ctiserver.ami.AmiMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.EncoderException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class AmiEncoderTest {

    @Test
    void writesHeadersInOrderWithCrlfAndABlankLine() {
        EmbeddedChannel ch = new EmbeddedChannel(new AmiEncoder());
        ch.writeOutbound(AmiMessage.of("Action", "Originate", "ActionID", "cti-2", "Variable", "A=1",
                "Variable", "B=2", "CallerID", "\"José\" <5551003>", "Data", ""));
        ByteBuf out = ch.readOutbound();
        assertEquals("Action: Originate\r\nActionID: cti-2\r\nVariable: A=1\r\nVariable: B=2\r\n"
                + "CallerID: \"José\" <5551003>\r\nData: \r\n\r\n", out.toString(StandardCharsets.UTF_8));
        out.release();
    }

    @Test
    void roundTripsThroughTheDecoder() {
        AmiMessage action = AmiMessage.of("Action", "Setvar", "Variable", "NAME", "Value", "a: b: Müller ");
        EmbeddedChannel enc = new EmbeddedChannel(new AmiEncoder());
        enc.writeOutbound(action);
        EmbeddedChannel dec = new EmbeddedChannel(new AmiDecoder(false));
        dec.writeInbound((ByteBuf) enc.readOutbound());
        assertEquals(action, dec.readInbound());
    }

    @Test
    void refusesCrOrLfInAValueAndWritesNothing() {
        for (String injected : new String[] {"Bob\r\nAction: Hangup\r\nChannel: PJSIP/ceo", "a\nb", "a\rb"}) {
            EmbeddedChannel ch = new EmbeddedChannel(new AmiEncoder());
            ChannelFuture f = ch.writeOneOutbound(AmiMessage.of("Action", "Originate", "CallerID", injected));
            ch.flushOutbound();
            assertFalse(f.isSuccess());
            assertTrue(f.cause() instanceof EncoderException, String.valueOf(f.cause()));
            assertTrue(f.cause().getMessage().contains("'CallerID' holds a CR or LF"), f.cause().getMessage());
            assertFalse(f.cause().getMessage().contains("Hangup"), "the offending value is not echoed");
            assertEquals(null, (Object) ch.readOutbound(), "nothing reached the wire");
            assertTrue(ch.isActive(), "the connection stays up");
        }
    }

    @Test
    void refusesKeysThatWouldReadBackAsAnotherHeader() {
        ByteBuf out = Unpooled.buffer();
        assertThrows(EncoderException.class, () -> AmiEncoder.encode(AmiMessage.of("Channel: x\r\nA", "1"), out));
        assertThrows(EncoderException.class, () -> AmiEncoder.encode(AmiMessage.of("Key:Value", "1"), out));
        assertThrows(EncoderException.class, () -> AmiEncoder.encode(AmiMessage.of("", "1"), out));
        assertThrows(EncoderException.class,
                () -> AmiEncoder.encode(AmiMessage.of("Action", "Ping", "Secret", "s\r\n"), out));
        assertEquals(0, out.readableBytes(), "a refused message writes no partial bytes");
    }

    @Test
    void writesTheBanner() {
        ByteBuf out = Unpooled.buffer();
        AmiEncoder.writeBanner(new AmiBanner(AmiBanner.ASTERISK_22), out);
        assertEquals("Asterisk Call Manager/11.0.0\r\n", out.toString(StandardCharsets.US_ASCII));
        assertThrows(EncoderException.class, () -> AmiEncoder.writeBanner(new AmiBanner("x\r\ny"), out));
    }
}
