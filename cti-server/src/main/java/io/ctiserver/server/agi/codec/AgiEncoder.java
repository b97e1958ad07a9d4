package io.ctiserver.server.agi.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;

/** Writes an {@link AgiCommand} as one UTF-8 line ended by LF, as res_agi reads it. Stateless and shareable. */
@ChannelHandler.Sharable
public final class AgiEncoder extends MessageToByteEncoder<AgiCommand> {

    @Override
    protected void encode(ChannelHandlerContext ctx, AgiCommand cmd, ByteBuf out) {
        ByteBufUtil.writeUtf8(out, cmd.line());
        out.writeByte('\n');
    }
}
