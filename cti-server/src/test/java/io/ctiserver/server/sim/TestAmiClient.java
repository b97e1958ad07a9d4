package io.ctiserver.server.sim;

import io.ctiserver.ami.AmiMessage;
import io.ctiserver.server.ami.codec.AmiBanner;
import io.ctiserver.server.ami.codec.AmiDecoder;
import io.ctiserver.server.ami.codec.AmiEncoder;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A small AMI client over real TCP, built on the project's codec, recording everything it receives. */
final class TestAmiClient implements AutoCloseable {

    static final long TIMEOUT_MS = 15_000;

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final BlockingQueue<Object> inbox = new LinkedBlockingQueue<>();
    /** Every message received, in order. */
    final List<AmiMessage> received = new ArrayList<>();
    final Channel channel;
    private int ids;

    TestAmiClient(int port) throws InterruptedException {
        channel = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new AmiDecoder(true), new AmiEncoder(),
                                new SimpleChannelInboundHandler<Object>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
                                        inbox.add(msg);
                                    }

                                    @Override
                                    public void channelInactive(ChannelHandlerContext ctx) {
                                        inbox.add("CLOSED");
                                    }
                                });
                    }
                }).connect("127.0.0.1", port).sync().channel();
    }

    static TestAmiClient loggedIn(int port) throws InterruptedException {
        TestAmiClient c = new TestAmiClient(port);
        c.banner();
        AmiMessage r = c.action("Login", "Username", "cti", "Secret", "cti");
        if (!"Success".equals(r.response())) {
            throw new AssertionError("login failed: " + r);
        }
        return c;
    }

    AmiBanner banner() throws InterruptedException {
        Object o = inbox.poll(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        if (!(o instanceof AmiBanner b)) {
            throw new AssertionError("expected a banner, got " + o);
        }
        return b;
    }

    /** Sends an action with a fresh ActionID and returns its response. */
    AmiMessage action(String action, String... kv) throws InterruptedException {
        String id = send(action, kv);
        return next(m -> m.isResponse() && id.equals(m.actionId()));
    }

    String send(String action, String... kv) {
        String id = "t-" + (++ids);
        AmiMessage.Builder b = AmiMessage.builder().add("Action", action).add("ActionID", id);
        for (int i = 0; i < kv.length; i += 2) {
            b.add(kv[i], kv[i + 1]);
        }
        channel.writeAndFlush(b.build());
        return id;
    }

    /** The next message matching {@code p}; the ones before it stay in {@link #received}. */
    AmiMessage next(Predicate<AmiMessage> p) throws InterruptedException {
        long deadline = System.currentTimeMillis() + TIMEOUT_MS;
        while (true) {
            long left = deadline - System.currentTimeMillis();
            Object o = left <= 0 ? null : inbox.poll(left, TimeUnit.MILLISECONDS);
            if (o == null) {
                throw new AssertionError("timed out; last received: "
                        + received.subList(Math.max(0, received.size() - 5), received.size()));
            }
            if ("CLOSED".equals(o)) {
                throw new AssertionError("connection closed while waiting");
            }
            if (o instanceof AmiMessage m) {
                received.add(m);
                if (p.test(m)) {
                    return m;
                }
            }
        }
    }

    AmiMessage event(String name) throws InterruptedException {
        return next(m -> name.equals(m.eventName()));
    }

    /** Waits for the server to close the connection; returns messages that came before. */
    List<AmiMessage> awaitClose() throws InterruptedException {
        List<AmiMessage> before = new ArrayList<>();
        long deadline = System.currentTimeMillis() + TIMEOUT_MS;
        while (System.currentTimeMillis() < deadline) {
            Object o = inbox.poll(deadline - System.currentTimeMillis(), TimeUnit.MILLISECONDS);
            if ("CLOSED".equals(o)) {
                return before;
            }
            if (o instanceof AmiMessage m) {
                before.add(m);
                received.add(m);
            }
        }
        throw new AssertionError("connection not closed");
    }

    /** Drains whatever is queued (non-matching); for list actions. */
    List<AmiMessage> until(String completeEvent) throws InterruptedException {
        List<AmiMessage> out = new ArrayList<>();
        AmiMessage m;
        do {
            m = next(x -> true);
            out.add(m);
        } while (!completeEvent.equals(m.eventName()));
        return out;
    }

    /** The next decode error the client's codec reported (garbage from the PBX). */
    io.ctiserver.server.ami.codec.AmiDecodeError nextDecodeError() throws InterruptedException {
        long deadline = System.currentTimeMillis() + TIMEOUT_MS;
        while (System.currentTimeMillis() < deadline) {
            Object o = inbox.poll(deadline - System.currentTimeMillis(), TimeUnit.MILLISECONDS);
            if (o instanceof io.ctiserver.server.ami.codec.AmiDecodeError e) {
                return e;
            }
            if (o instanceof AmiMessage m) {
                received.add(m);
            }
        }
        throw new AssertionError("no decode error");
    }

    Object poll(long ms) throws InterruptedException {
        return inbox.poll(ms, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        channel.close().awaitUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    }
}
