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
    private EventLoopGroup boss;
    private EventLoopGroup workers;
    private Channel serverChannel;

    public FastAgiServer(AgiConfig config, List<AgiScript> scripts) {
        this.config = config;
        for (AgiScript s : scripts) {
            if (this.scripts.put(s.name(), s) != null) {
                throw new IllegalArgumentException("two AGI scripts named " + s.name());
            }
        }
    }

    /** Binds and starts accepting; returns the bound address (the real port when the config says 0). */
    public synchronized InetSocketAddress start() throws InterruptedException {
        if (serverChannel != null) {
            throw new IllegalStateException("already started");
        }
        boss = new MultiThreadIoEventLoopGroup(1, Transport.ioHandlerFactory());
        workers = new MultiThreadIoEventLoopGroup(config.ioThreads(), Transport.ioHandlerFactory());
        Map<String, AgiScript> byName = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(scripts));
        ServerBootstrap b = new ServerBootstrap()
                .group(boss, workers)
                .channel(Transport.serverChannel())
                // a burst of calls connects at once: do not let the kernel refuse them
                .option(ChannelOption.SO_BACKLOG, 4096)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline()
                                .addLast("agi-decoder", new AgiDecoder(config.maxLineLength(), config.maxEnvBytes()))
                                .addLast("agi-encoder", ENCODER)
                                .addLast("agi-session", new AgiSessionHandler(byName, config));
                    }
                });
        try {
            serverChannel = b.bind(config.bindAddress(), config.port()).sync().channel();
        } catch (InterruptedException | RuntimeException e) {
            shutdownGroups();
            throw e;
        }
        InetSocketAddress bound = (InetSocketAddress) serverChannel.localAddress();
        LOG.info("FastAGI server listening on {} ({}, {} io threads) with scripts {}", bound, Transport.name(),
                config.ioThreads(), byName.keySet());
        return bound;
    }

    public synchronized int port() {
        return serverChannel == null ? -1 : ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    @Override
    public synchronized void close() {
        if (serverChannel != null) {
            serverChannel.close().syncUninterruptibly();
            serverChannel = null;
        }
        shutdownGroups();
    }

    private void shutdownGroups() {
        if (boss != null) {
            boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
            workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
            boss = null;
            workers = null;
        }
    }
}
