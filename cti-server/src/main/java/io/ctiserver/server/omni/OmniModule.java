package io.ctiserver.server.omni;

import io.ctiserver.ami.AmiActionSender;
import io.ctiserver.contact.ContactStore;
import io.ctiserver.contact.InMemoryContactStore;
import io.ctiserver.events.CtiStateView;
import io.ctiserver.kpi.KpiSettings;
import io.ctiserver.server.gateway.Gateway;
import io.ctiserver.server.gateway.auth.User;
import io.ctiserver.server.gateway.auth.UserDirectory;
import io.ctiserver.server.gateway.commands.chat.ChatCommands;
import io.ctiserver.server.omni.bot.Bot;
import io.ctiserver.server.omni.bot.FaqBot;
import io.ctiserver.server.omni.bot.HttpBot;
import io.ctiserver.server.omni.bot.KnowledgeBase;
import io.ctiserver.server.omni.chat.ChatServer;
import io.ctiserver.server.omni.email.MailChannel;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * The omnichannel feature assembled from the {@code omni} config section:
 * <pre>{@code
 * OmniModule omni = OmniModule.create(omniConfig);              // engine, bot, knowledge base
 * Gateway gw = omni.addTo(Gateway.builder()...).build().start(); // the chat command family
 * omni.start(gw, senders, state);                               // desktops, voice pause, chat port, mailbox
 * trackers.forEach(t -> t.addListener(omni.service()));         // voice load from agent states
 * }</pre>
 */
public final class OmniModule implements AutoCloseable {

    private final OmniService service;
    private final AtomicReference<UserDirectory> users = new AtomicReference<>();
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private ChatServer chat;
    private MailChannel mail;

    private OmniModule(OmniService service) {
        this.service = service;
    }

    /** With the in-memory contact store (storage off). */
    public static OmniModule create(OmniConfig config) throws IOException {
        return create(config, null, null);
    }

    /**
     * @param store where finished contacts go: the database's ({@code storage.contacts()}) when storage is on; null
     *              keeps the last {@code omni.storeCapacity} in memory
     * @param kpi   the voice KPI engine's settings, whose sliding window the contact KPIs share; null: 30 x 1 min
     */
    public static OmniModule create(OmniConfig config, ContactStore store, KpiSettings kpi) throws IOException {
        KnowledgeBase kb = config.bot().knowledgeBase() == null ? null : KnowledgeBase.load(config.bot().knowledgeBase());
        Bot bot = null;
        if (config.bot().enabled()) {
            if (config.bot().url() != null) {
                bot = new HttpBot(config.bot().name(), config.bot().url(), config.bot().deadlineMillis());
            } else if (kb != null) {
                bot = new FaqBot(config.bot().name(), kb);
            } else {
                throw new IllegalArgumentException("omni.bot is enabled but has neither url nor knowledgeBase");
            }
        }
        KpiSettings k = kpi == null ? KpiSettings.defaults() : kpi;
        return new OmniModule(new OmniService(config,
                store != null ? store : new InMemoryContactStore(config.storeCapacity()), bot, kb, Clock.systemUTC(),
                k.window(), k.bucket(), k.zone()));
    }

    public OmniService service() {
        return service;
    }

    /**
     * Adds the chat command family (the gateway's user directory is taken from it) and the per-medium KPIs of the
     * periodic {@code kpi} event.
     */
    public Gateway.Builder addTo(Gateway.Builder b) {
        b.mediaKpis(service::mediaKpis); // chat and email KPIs ride in the periodic kpi event
        return b.commandFamily(support -> {
            users.set(support.users());
            return new ChatCommands(support, service);
        });
    }

    /** Connects to the built gateway and the PBXs, opens the chat port and the mailbox. */
    public OmniModule start(Gateway gateway, Function<String, AmiActionSender> senders, CtiStateView state)
            throws InterruptedException {
        UserDirectory dir = users.get();
        if (dir == null) {
            throw new IllegalStateException("OmniModule.addTo(builder) must be called before the gateway is built");
        }
        service.desktops(new GatewayDesktops(gateway.sessions(), dir))
                .voicePauser(new AmiVoicePauser(dir, senders, state))
                .agentsByIface(iface -> dir.agentByIface(iface).map(User::username).orElse(null));
        // Closed in this order: the engine first (nothing more is routed or written), then the sockets.
        closeables.add(service);
        chat = new ChatServer(service).start();
        closeables.add(chat);
        if (service.config().email() != null) {
            mail = MailChannel.start(service.config().email(), service);
            closeables.add(mail);
        }
        return this;
    }

    public ChatServer chat() {
        return chat;
    }

    public int chatPort() {
        return chat.port();
    }

    @Override
    public void close() {
        for (AutoCloseable c : closeables) {
            try {
                c.close();
            } catch (Exception e) {
                // closing: nothing more to do
            }
        }
    }
}
