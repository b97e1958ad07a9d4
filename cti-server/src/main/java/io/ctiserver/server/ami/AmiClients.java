package io.ctiserver.server.ami;

import io.ctiserver.ami.AmiListener;
import io.ctiserver.server.config.ServerConfig;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@link AmiClient} per configured PBX, sharing one small event-loop group (each client stays on one loop).
 * Each PBX gets its own listener, usually that PBX's state tracker.
 */
public final class AmiClients implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AmiClients.class);

    private final EventLoopGroup group;
    private final boolean ownsGroup;
    private final Map<String, AmiClient> clients = new LinkedHashMap<>();

    private AmiClients(AmiClientConfig config, Function<String, AmiListener> listeners, EventLoopGroup group,
                       boolean ownsGroup) {
        this.group = group;
        this.ownsGroup = ownsGroup;
        for (PbxConfig pbx : config.servers()) {
            clients.put(pbx.id(), new AmiClient(pbx, listeners.apply(pbx.id()), group));
        }
    }

    /** Reads the {@code pbx} section and starts a client per server, on a group of its own. */
    public static AmiClients start(ServerConfig config, Function<String, AmiListener> listeners) {
        return start(config.section(AmiClientConfig.SECTION, AmiClientConfig.class, AmiClientConfig.none()),
                listeners);
    }

    public static AmiClients start(AmiClientConfig config, Function<String, AmiListener> listeners) {
        int threads = Math.max(1, Math.min(config.servers().size(), Runtime.getRuntime().availableProcessors()));
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(threads, NioIoHandler.newFactory());
        return start(config, listeners, group, true);
    }

    /** Starts the clients on a group the caller owns (and shuts down). */
    public static AmiClients start(AmiClientConfig config, Function<String, AmiListener> listeners,
                                   EventLoopGroup group) {
        return start(config, listeners, group, false);
    }

    private static AmiClients start(AmiClientConfig config, Function<String, AmiListener> listeners,
                                    EventLoopGroup group, boolean ownsGroup) {
        AmiClients clients = new AmiClients(config, listeners, group, ownsGroup);
        clients.clients.values().forEach(AmiClient::start);
        log.info("AMI: {} PBX link(s) starting: {}", clients.clients.size(), clients.clients.keySet());
        return clients;
    }

    /** The client of one PBX, or {@code null}. */
    public AmiClient client(String pbx) {
        return clients.get(pbx);
    }

    public Collection<AmiClient> all() {
        return clients.values();
    }

    @Override
    public void close() throws InterruptedException {
        for (AmiClient c : clients.values()) {
            c.close();
        }
        if (ownsGroup) {
            group.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).await(5_000);
        }
    }
}
