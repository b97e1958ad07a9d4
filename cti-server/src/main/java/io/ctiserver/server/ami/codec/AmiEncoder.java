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
 * <p>A header that would change the framing is refused with an {@link EncoderException} before any byte is written:
 * a CR or LF in a key or value (a caller name or a desktop's input can carry one) would inject headers or whole
 * actions, and a colon in a key or an empty key would be read back as another header. The write fails; the
 * connection stays up and the PBX never executes something nobody asked for.
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

    /** Appends {@code msg} in wire form to {@code out}; writes nothing if any header is refused. */
    public static void encode(AmiMessage msg, ByteBuf out) {
        for (int i = 0; i < msg.size(); i++) {
            check(msg.key(i), msg.value(i));
        }
        for (int i = 0; i < msg.size(); i++) {
            ByteBufUtil.writeUtf8(out, msg.key(i));
            out.writeBytes(COLON_SPACE);
            ByteBufUtil.writeUtf8(out, msg.value(i));
            out.writeBytes(CRLF);
        }
        out.writeBytes(CRLF);
    }

    public static void writeBanner(AmiBanner banner, ByteBuf out) {
        if (hasLineBreak(banner.text())) {
            throw new EncoderException("AMI banner holds a CR or LF; refusing to write it");
        }
        ByteBufUtil.writeUtf8(out, banner.text());
        out.writeBytes(CRLF);
    }

    private static void check(String key, String value) {
        if (key.isEmpty() || key.indexOf(':') >= 0) {
            throw new EncoderException("AMI header key '" + printable(key) + "' is empty or holds a colon;"
                    + " refusing to write it");
        }
        if (hasLineBreak(key) || hasLineBreak(value)) {
            // The value is left out of the message: it may be a secret.
            throw new EncoderException("AMI header '" + printable(key) + "' holds a CR or LF; refusing to write it");
        }
    }

    private static boolean hasLineBreak(String s) {
        // String.indexOf is vectorised by the JIT: twice as fast as one loop over the chars looking for both.
        return s.indexOf('\r') >= 0 || s.indexOf('\n') >= 0;
    }

    private static String printable(String s) {
        return s.replace("\r", "\\r").replace("\n", "\\n");
    }
}
