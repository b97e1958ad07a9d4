package io.ctiserver.server.sim;

import io.ctiserver.ami.AmiMessage;
import io.ctiserver.server.ami.codec.AmiDecodeError;
import io.ctiserver.server.ami.codec.AmiEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One AMI client connection. Actions go to the engine thread; what the engine writes is encoded there once and
 * queued on the socket without blocking. A session that cannot take writes for {@code writeTimeoutMs}, or whose
 * backlog passes the bound, is disconnected, as Asterisk's {@code writetimeout} does.
 */
final class AmiSession extends SimpleChannelInboundHandler<Object> {

    private static final Logger LOG = LoggerFactory.getLogger(AmiSession.class);

    final Channel channel;
    private final AmiServer server;
    volatile boolean authenticated;
    volatile boolean eventsOn = true;
    String username;
    String challenge;
    private long unwritableSince;

    AmiSession(Channel channel, AmiServer server) {
        this.channel = channel;
        this.server = server;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof AmiMessage m) {
            server.engine().execute(() -> server.actions().handle(this, m));
        } else if (msg instanceof AmiDecodeError e) {
            // Asterisk ignores a malformed line; an oversized action cannot be answered (no ActionID).
            LOG.info("AMI client {} sent bad input: {} {}", channel.remoteAddress(), e.kind(), e.detail());
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        server.removed(this);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("AMI session {} failed: {}", channel.remoteAddress(), cause.toString());
        ctx.close();
    }

    /** Engine thread: writes one message to this session. */
    void send(AmiMessage m) {
        ByteBuf buf = channel.alloc().buffer(256);
        AmiEncoder.encode(m, buf);
        sendEncoded(buf);
    }

    /** Engine thread: queues already-encoded bytes (the buffer is released here or by the socket). */
    void sendEncoded(ByteBuf buf) {
        if (!channel.isActive()) {
            buf.release();
            return;
        }
        if (!channel.isWritable()) {
            long now = System.nanoTime();
            if (unwritableSince == 0) {
                unwritableSince = now;
            } else if ((now - unwritableSince) / 1_000_000 > server.writeTimeoutMs()
                    || channel.unsafe().outboundBuffer() == null
                    || channel.unsafe().outboundBuffer().totalPendingWriteBytes() > server.maxBacklogBytes()) {
                buf.release();
                LOG.warn("AMI session {} cannot keep up (write timeout); disconnecting it", channel.remoteAddress());
                channel.close();
                return;
            }
        } else {
            unwritableSince = 0;
        }
        channel.writeAndFlush(buf, channel.voidPromise());
    }
}
