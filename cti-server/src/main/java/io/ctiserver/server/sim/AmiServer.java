package io.ctiserver.server.sim;

import io.ctiserver.ami.AmiMessage;
import io.ctiserver.server.ami.codec.AmiBanner;
import io.ctiserver.server.ami.codec.AmiDecoder;
import io.ctiserver.server.ami.codec.AmiEncoder;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** The AMI side of the simulator: a Netty server that greets with Asterisk 22's banner. */
final class AmiServer {

    private final EventLoopGroup io;
    private final SimEngine engine;
    private final SimConfig config;
    private final List<AmiSession> sessions = new CopyOnWriteArrayList<>();
    private AmiActions actions;
    private Channel listener;
    /** Fault: while set, nothing is written to any session (the socket buffers fill up). */
    volatile boolean stalled;

    AmiServer(EventLoopGroup io, SimEngine engine, SimConfig config) {
        this.io = io;
        this.engine = engine;
        this.config = config;
    }

    void actions(AmiActions actions) {
        this.actions = actions;
    }

    AmiActions actions() {
        return actions;
    }

    SimEngine engine() {
        return engine;
    }

    int writeTimeoutMs() {
        return config.writeTimeoutMs();
    }

    long maxBacklogBytes() {
        return config.maxSessionBacklogBytes();
    }

    int bind() throws InterruptedException {
        int high = Math.max(64 * 1024, config.maxSessionBacklogBytes() / 4);
        ServerBootstrap b = new ServerBootstrap().group(io).channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(high / 2, high))
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        AmiSession s = new AmiSession(ch, AmiServer.this);
                        ch.pipeline().addLast(new AmiDecoder(false), new AmiEncoder(), s);
                        sessions.add(s);
                        ByteBuf banner = ch.alloc().buffer(32);
                        AmiEncoder.writeBanner(new AmiBanner(AmiBanner.ASTERISK_22), banner);
                        ch.writeAndFlush(banner);
                    }
                });
        listener = b.bind(new InetSocketAddress(config.amiBindAddress(), config.amiPort())).sync().channel();
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    void removed(AmiSession s) {
        sessions.remove(s);
    }

    int sessionCount() {
        return sessions.size();
    }

    /** Engine thread: one event to every logged-in session with events on; encoded once. */
    void broadcast(AmiMessage event) {
        if (sessions.isEmpty()) {
            return;
        }
        if (stalled) {
            hold(() -> broadcast(event));
            return;
        }
        ByteBuf encoded = null;
        for (AmiSession s : sessions) {
            if (s.authenticated && s.eventsOn) {
                if (encoded == null) {
                    encoded = PooledByteBufAllocator.DEFAULT.directBuffer(512);
                    AmiEncoder.encode(event, encoded);
                }
                s.sendEncoded(encoded.retainedDuplicate());
            }
        }
        if (encoded != null) {
            encoded.release();
        }
    }

    /** Engine thread: a response or list event to one session. */
    void reply(AmiSession s, AmiMessage m) {
        if (stalled) {
            hold(() -> s.send(m));
        } else {
            s.send(m);
        }
    }

    /** Engine thread: already-encoded bytes (a chunk of an event list) to one session; the buffer is taken over. */
    void replyEncoded(AmiSession s, ByteBuf encoded) {
        if (!stalled) {
            s.sendEncoded(encoded);
        } else if (!hold(() -> s.sendEncoded(encoded))) {
            encoded.release();
        }
    }

    private static final int MAX_HELD = 200_000;
    private final java.util.ArrayDeque<Runnable> held = new java.util.ArrayDeque<>();

    /** Engine thread: a stalled PBX keeps what it would have written, up to a bound, and writes it when it resumes. */
    private boolean hold(Runnable write) {
        if (held.size() < MAX_HELD) {
            held.add(write);
            return true;
        }
        return false;
    }

    /** Engine thread. */
    void stall(boolean on) {
        stalled = on;
        if (!on) {
            Runnable r;
            while ((r = held.poll()) != null) {
                r.run();
            }
        }
    }

    /** Fault: every session is cut. */
    void dropAll() {
        for (AmiSession s : sessions) {
            s.channel.close();
        }
    }

    /** Fault: raw bytes to every logged-in session. */
    void sendRaw(byte[] bytes) {
        for (AmiSession s : sessions) {
            if (s.authenticated) {
                s.sendEncoded(Unpooled.wrappedBuffer(bytes));
            }
        }
    }

    void close() {
        dropAll();
        if (listener != null) {
            listener.close().awaitUninterruptibly();
        }
    }
}
