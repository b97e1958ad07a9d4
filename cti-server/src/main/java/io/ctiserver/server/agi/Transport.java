package io.ctiserver.server.agi;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

/**
 * Native epoll on Linux, NIO elsewhere. An AGI dialog is a dozen one-line round trips, so the cost per wake-up
 * (syscalls, Selector bookkeeping) is most of the server's work; epoll roughly halves it.
 */
public final class Transport {

    private Transport() {
    }

    public static boolean epoll() {
        return Epoll.isAvailable() && !Boolean.getBoolean("cti.nio");
    }

    public static IoHandlerFactory ioHandlerFactory() {
        return epoll() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    }

    public static Class<? extends ServerChannel> serverChannel() {
        return epoll() ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    public static Class<? extends SocketChannel> socketChannel() {
        return epoll() ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    public static String name() {
        return epoll() ? "epoll" : "nio";
    }
}
