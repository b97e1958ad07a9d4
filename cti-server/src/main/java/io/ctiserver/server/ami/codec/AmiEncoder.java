package io.ctiserver.server.ami.codec;

import io.ctiserver.ami.AmiMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.EncoderException;
import io.netty.handler.codec.MessageToByteEncoder;

/**
 * Writes an {@link AmiMessage} as AMI text: one {@code Key: Value} CRLF line per header, then a blank line. Also
 * writes an {@link AmiBanner} line (the simulator's greeting) through {@link #writeBanner}.
 *
 * <p>A key or value holding CR or LF is refused with an {@link EncoderException}: such a value would inject headers
 * or whole actions (a caller name or a desktop's input can carry one), so the write fails instead of the PBX
 * executing something nobody asked for.
 */
@ChannelHandler.Sharable
public class AmiEncoder extends MessageToByteEncoder<AmiMessage> {

    private static final byte[] COLON_SPACE = {':', ' '};
    private static final byte[] CRLF = {'\r', '\n'};

    public AmiEncoder() {
        super(AmiMessage.class);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, AmiMessage msg, ByteBuf out) {
        encode(msg, out);
    }

    /** Appends {@code msg} in wire form to {@code out}. */
    public static void encode(AmiMessage msg, ByteBuf out) {
        for (int i = 0; i < msg.size(); i++) {
            String key = msg.key(i);
            String value = msg.value(i);
            checkNoLineBreak(key, value);
            ByteBufUtil.writeUtf8(out, key);
            out.writeBytes(COLON_SPACE);
            ByteBufUtil.writeUtf8(out, value);
            out.writeBytes(CRLF);
        }
        out.writeBytes(CRLF);
    }

    public static void writeBanner(AmiBanner banner, ByteBuf out) {
        checkNoLineBreak("banner", banner.text());
        ByteBufUtil.writeUtf8(out, banner.text());
        out.writeBytes(CRLF);
    }

    private static void checkNoLineBreak(String key, String value) {
        if (hasLineBreak(key) || hasLineBreak(value)) {
            throw new EncoderException("AMI header '" + printable(key) + "' holds a CR or LF; refusing to write it");
        }
    }

    private static boolean hasLineBreak(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\r' || c == '\n') {
                return true;
            }
        }
        return false;
    }

    private static String printable(String s) {
        return s.replace("\r", "\\r").replace("\n", "\\n");
    }
}
