package io.ctiserver.server.agi;

import io.ctiserver.server.agi.codec.AgiDecoder;
import io.ctiserver.server.agi.codec.AgiEncoder;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The FastAGI server: Netty, no thread per call. Each connection gets its own decoder and session handler; scripts
 * run as asynchronous dialogs on the connection's event loop.
 */
public final class FastAgiServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FastAgiServer.class);
    private static final AgiEncoder ENCODER = new AgiEncoder();

    private final AgiConfig config;
    private final Map<String, AgiScript> scripts = new LinkedHashMap<>();
    private final List<EventLoopGroup> groups = new ArrayList<>();
    private final List<Channel> serverChannels = new ArrayList<>();
    private volatile AgiObserver observer = AgiObserver.NONE;

    public FastAgiServer(AgiConfig config, List<AgiScript> scripts) {
        this.config = config;
        for (AgiScript s : scripts) {
            if (this.scripts.put(s.name(), s) != null) {
                throw new IllegalArgumentException("two AGI scripts named " + s.name());
            }
        }
    }

    /** Metrics hook: told of every connection and session accepted after this call (set it before {@link #start}). */
    public void observe(AgiObserver o) {
        this.observer = java.util.Objects.requireNonNull(o);
    }

    /**
     * Binds and starts accepting; returns the bound address (the real port when the config says 0).
     *
     * <p>With epoll there is one listening socket per event loop on the same port ({@code SO_REUSEPORT}): the kernel
     * spreads the connections, and each AGI session lives on the loop that accepted it, with no hand-over between
     * threads for every call. With NIO, one acceptor hands connections to the worker loops.
     */
    public synchronized InetSocketAddress start() throws InterruptedException {
        if (!serverChannels.isEmpty()) {
            throw new IllegalStateException("already started");
        }
        Map<String, AgiScript> byName = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(scripts));
        ChannelInitializer<SocketChannel> init = new ChannelInitializer<>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                ch.pipeline()
                        .addLast("agi-decoder", new AgiDecoder(config.maxLineLength(), config.maxEnvBytes()))
                        .addLast("agi-encoder", ENCODER)
                        .addLast("agi-session", new AgiSessionHandler(byName, config, observer));
            }
        };
        try {
            if (Transport.epoll()) {
                int port = config.port();
                for (int i = 0; i < config.ioThreads(); i++) {
                    EventLoopGroup loop = group(1);
                    Channel ch = bootstrap(loop, loop, init)
                            .option(io.netty.channel.epoll.EpollChannelOption.SO_REUSEPORT, true)
                            .bind(config.bindAddress(), port).sync().channel();
                    serverChannels.add(ch);
                    port = ((InetSocketAddress) ch.localAddress()).getPort();
                }
            } else {
                serverChannels.add(bootstrap(group(1), group(config.ioThreads()), init)
                        .bind(config.bindAddress(), config.port()).sync().channel());
            }
        } catch (InterruptedException | RuntimeException e) {
            close();
            throw e;
        }
        InetSocketAddress bound = (InetSocketAddress) serverChannels.get(0).localAddress();
        LOG.info("FastAGI server listening on {} ({}, {} io threads) with scripts {}", bound, Transport.name(),
                config.ioThreads(), byName.keySet());
        return bound;
    }

    private EventLoopGroup group(int threads) {
        EventLoopGroup g = new MultiThreadIoEventLoopGroup(threads, Transport.ioHandlerFactory());
        groups.add(g);
        return g;
    }

    private static ServerBootstrap bootstrap(EventLoopGroup acceptor, EventLoopGroup loops,
                                             ChannelInitializer<SocketChannel> init) {
        return new ServerBootstrap()
                .group(acceptor, loops)
                .channel(Transport.serverChannel())
                // a burst of calls connects at once: do not let the kernel refuse them
                .option(ChannelOption.SO_BACKLOG, 4096)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(init);
    }

    public synchronized int port() {
        return serverChannels.isEmpty() ? -1 : ((InetSocketAddress) serverChannels.get(0).localAddress()).getPort();
    }

    @Override
    public synchronized void close() {
        for (Channel ch : serverChannels) {
            ch.close().syncUninterruptibly();
        }
        serverChannels.clear();
        shutdownGroups();
    }

    private void shutdownGroups() {
        for (EventLoopGroup g : groups) {
            g.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        }
        for (EventLoopGroup g : groups) {
            g.terminationFuture().syncUninterruptibly();
        }
        groups.clear();
    }
}
