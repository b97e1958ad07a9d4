package io.ctiserver.server.omni;

import io.ctiserver.contact.AgentLoad;
import io.ctiserver.contact.AgentLoadListener;
import io.ctiserver.contact.Contact;
import io.ctiserver.contact.ContactCustomer;
import io.ctiserver.contact.ContactEvent;
import io.ctiserver.contact.ContactException;
import io.ctiserver.contact.ContactKpis;
import io.ctiserver.contact.ContactRecord;
import io.ctiserver.contact.ContactRouter;
import io.ctiserver.contact.ContactState;
import io.ctiserver.contact.ContactStore;
import io.ctiserver.contact.ContactView;
import io.ctiserver.contact.Medium;
import io.ctiserver.contact.QueueSettings;
import io.ctiserver.contact.StoredContact;
import io.ctiserver.contact.TranscriptEntry;
import io.ctiserver.contact.TranscriptEntry.From;
import io.ctiserver.events.AgentState;
import io.ctiserver.events.AgentStateChanged;
import io.ctiserver.events.CallEnded;
import io.ctiserver.events.CtiEvent;
import io.ctiserver.events.CtiEventListener;
import io.ctiserver.events.EndedBy;
import io.ctiserver.server.omni.bot.Bot;
import io.ctiserver.server.omni.bot.BotReply;
import io.ctiserver.server.omni.bot.BotTurn;
import io.ctiserver.server.omni.bot.KnowledgeBase;
import io.ctiserver.server.omni.email.EmailOutbox;
import io.ctiserver.server.omni.email.EmailReply;
import io.ctiserver.server.omni.email.InboundEmail;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The omnichannel engine: the {@link ContactRouter}, the conversations (transcripts, the customer's connection, the
 * bot's turn), and the fan-out of their events to desktops, customers, Asterisk (voice pause), KPIs and the store.
 *
 * <p>One thread ("omni") owns all of it: every input (a customer's message, an agent's command, a tracker event, an
 * email, the timer) is a task on that thread's bounded queue, so the router stays single-writer and deterministic.
 * When the queue is full the input is refused with {@code busy} (nothing is half-done). Outputs never block: desktops
 * and customers have their own bounded queues, SMTP and the bot answer later.
 */
public final class OmniService implements CtiEventListener, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OmniService.class);
    private static final int INBOX = 100_000;
    private static final int THREAD_INDEX = 100_000;

    private final OmniConfig config;
    private final Clock clock;
    private final ContactRouter router;
    private final ContactStore store;
    private final ContactKpis kpis;
    private final Bot bot;
    private final KnowledgeBase kb;
    private final ThreadPoolExecutor thread;
    private final ScheduledExecutorService timer;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Conversation> conversations = new HashMap<>();
    /** Email Message-ID to conversation id, for threading; the oldest forgotten first. */
    private final Map<String, String> threads = new LinkedHashMap<>(1024, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > THREAD_INDEX;
        }
    };
    private volatile DesktopChannel desktops = DesktopChannel.NONE;
    private volatile VoicePauser voice = VoicePauser.NONE;
    private volatile EmailOutbox outbox = EmailOutbox.NONE;
    private volatile Function<String, String> agentByIface = iface -> null;
    private volatile AgentLoadListener loadListener = AgentLoadListener.NONE;
    private volatile List<AgentLoad> loads = List.of();
    /** The live contacts per medium and queue, counted on the omni thread at each tick (every second). */
    private volatile List<MediaKpis.Live> live = List.of();
    private long nextId;

    public OmniService(OmniConfig config, ContactStore store, Bot bot, KnowledgeBase kb, Clock clock) {
        this(config, store, bot, kb, clock, ContactKpis.DEFAULT_WINDOW, ContactKpis.DEFAULT_BUCKET);
    }

    /** @param kpiWindow the voice KPI engine's sliding window and bucket, so that every medium counts alike */
    public OmniService(OmniConfig config, ContactStore store, Bot bot, KnowledgeBase kb, Clock clock,
                       java.time.Duration kpiWindow, java.time.Duration kpiBucket) {
        this(config, store, bot, kb, clock, kpiWindow, kpiBucket, java.time.ZoneOffset.UTC);
    }

    /** @param kpiZone the voice KPI engine's zone, whose midnight starts the contacts' "today" as the calls' */
    public OmniService(OmniConfig config, ContactStore store, Bot bot, KnowledgeBase kb, Clock clock,
                       java.time.Duration kpiWindow, java.time.Duration kpiBucket, java.time.ZoneId kpiZone) {
        this.config = config;
        this.clock = clock;
        this.store = store;
        this.bot = bot;
        this.kb = kb;
        this.kpis = new ContactKpis(config.kpi(), kpiWindow, kpiBucket, kpiZone);
        List<QueueSettings> queues = new ArrayList<>(config.queues());
        this.router = new ContactRouter(config.capacity(), queues);
        this.thread = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(INBOX),
                r -> daemon(r, "omni"));
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "omni-timer"));
        timer.scheduleAtFixedRate(() -> post(this::tick), 1, 1, TimeUnit.SECONDS);
    }

    // ---- wiring ------------------------------------------------------------------------------------------------

    public OmniService desktops(DesktopChannel d) {
        this.desktops = d;
        return this;
    }

    public OmniService voicePauser(VoicePauser v) {
        this.voice = v;
        return this;
    }

    public OmniService emailOutbox(EmailOutbox o) {
        this.outbox = o;
        return this;
    }

    /** Maps a queue-member interface (from the tracker's agent events) to the agent's username. */
    public OmniService agentsByIface(Function<String, String> f) {
        this.agentByIface = f;
        return this;
    }

    /** Told every agent load change and tick on the omni thread: the storage's {@code AgentMediaListener}. */
    public OmniService loadListener(AgentLoadListener l) {
        this.loadListener = l;
        return this;
    }

    public OmniConfig config() {
        return config;
    }

    public KnowledgeBase knowledgeBase() {
        return kb;
    }

    public ContactStore store() {
        return store;
    }

    public ContactKpis.Snapshot kpis() {
        return kpis.snapshot(clock.instant());
    }

    /** The window's figures per medium and the contacts live now, for supervisors (any thread; never blocks). */
    public MediaKpis mediaKpis() {
        return MediaKpis.of(kpis(), live);
    }

    /** Every agent's load per medium, as of the last change (any thread). */
    public List<AgentLoad> loads() {
        return loads;
    }

    /** Runs {@code task} on the omni thread; refused with {@code busy} when its queue is full. */
    public <T> CompletableFuture<T> call(Callable<T> task) {
        CompletableFuture<T> f = new CompletableFuture<>();
        try {
            thread.execute(() -> {
                try {
                    f.complete(task.call());
                } catch (Throwable t) {
                    f.completeExceptionally(t);
                }
            });
        } catch (RejectedExecutionException e) {
            f.completeExceptionally(new OmniException("busy", "the contact router is overloaded; try again"));
        }
        return f;
    }

    private void post(Runnable r) {
        call(() -> {
            r.run();
            return null;
        }).exceptionally(t -> {
            if (!thread.isShutdown()) {
                LOG.warn("omni task failed", t);
            }
            return null;
        });
    }

    // ---- tracker events (voice load) ---------------------------------------------------------------------------

    /** On a tracker's thread: an agent's phone state becomes their voice load; nothing else is read here. */
    @Override
    public void onEvent(CtiEvent event) {
        if (event instanceof AgentStateChanged a) {
            String agent = agentByIface.apply(a.agent().iface());
            if (agent == null) {
                return;
            }
            boolean busy = a.agent().state() == AgentState.RINGING || a.agent().state() == AgentState.ON_CALL;
            post(() -> apply(router.voiceBusy(agent, busy, clock.instant())));
        } else if (event instanceof CallEnded c && c.record().queue() != null) {
            kpis.record(ContactRecord.ofCall(c.record()));
        }
    }

    // ---- agents ------------------------------------------------------------------------------------------------

    /** The agent is ready (or not) for chats and emails of {@code queues} (empty: the default queue). */
    public CompletableFuture<AgentLoad> ready(String agent, boolean ready, Collection<String> queues) {
        return call(() -> {
            Instant now = clock.instant();
            List<String> qs = queues == null || queues.isEmpty() ? List.of(config.defaultQueue()) : List.copyOf(queues);
            apply(ready ? router.agentReady(agent, config.teamOf(agent), qs, now) : router.agentAway(agent, now));
            return router.load(agent).orElseThrow();
        });
    }

    public CompletableFuture<ContactView> accept(String agent, String id) {
        return call(() -> {
            apply(router.accept(id, agent, clock.instant()));
            return router.contact(id).orElseThrow();
        });
    }

    public CompletableFuture<Void> decline(String agent, String id) {
        return call(() -> {
            apply(router.decline(id, agent, clock.instant()));
            return null;
        });
    }

    public CompletableFuture<Void> transfer(String agent, String id, String toAgent, String toQueue) {
        return call(() -> {
            Conversation c = conversation(id);
            Instant now = clock.instant();
            apply(toAgent != null ? router.transferToAgent(id, agent, toAgent, now)
                    : router.transferToQueue(id, agent, toQueue, now));
            note(c, agent + " transferred the conversation to " + (toAgent != null ? toAgent : "queue " + toQueue));
            return null;
        });
    }

    public CompletableFuture<ContactRecord> close(String agent, String id, String disposition, String notes) {
        return call(() -> {
            Conversation c = conversation(id);
            Map<String, String> data = notes == null ? Map.of() : Map.of("notes", notes);
            List<ContactEvent> ev = router.close(id, agent, c.customerLeft ? EndedBy.CALLER : EndedBy.AGENT,
                    disposition, data, clock.instant());
            apply(ev);
            return closedRecord(ev);
        });
    }

    /** The owner agent writes: to the customer (chat) or by SMTP (email; completes when the mail is sent). */
    public CompletableFuture<TranscriptEntry> agentMessage(String agent, String id, String text) {
        CompletableFuture<Conversation> owned = call(() -> {
            Conversation c = conversation(id);
            ContactView v = router.contact(id).orElseThrow();
            if (!agent.equals(v.agent()) || v.state() != ContactState.ACTIVE) {
                throw new ContactException(ContactException.Reason.NOT_YOURS, "contact " + id
                        + " is not an active contact of yours");
            }
            return c;
        });
        return owned.thenCompose(c -> {
            if (c.medium != Medium.EMAIL) {
                return call(() -> agentWrites(agent, c, text, Map.of()));
            }
            // Read the thread on the omni thread, send off it, record back on it.
            EmailReply reply = new EmailReply(c.customer.email(), reSubject(c.subject), text, c.lastCustomerMessageId,
                    List.copyOf(c.messageIds));
            return outbox.send(reply).thenCompose(messageId -> call(() -> {
                c.messageIds.add(messageId);
                synchronized (threads) {
                    threads.put(messageId, c.id);
                }
                return agentWrites(agent, c, text, Map.of("messageId", messageId, "subject", reply.subject()));
            }));
        });
    }

    private TranscriptEntry agentWrites(String agent, Conversation c, String text, Map<String, String> meta) {
        if (!conversations.containsKey(c.id)) {
            throw new OmniException("not_found", "the conversation " + c.id + " has ended");
        }
        checkRoom(c);
        TranscriptEntry e = add(c, From.AGENT, agent, text, meta);
        apply(router.replied(c.id, agent, e.at()));
        byte[] frame = OmniJson.event("contact.message", e.at(), Map.of("contactId", c.id, "entry", e));
        desktops.toAgent(agent, frame);
        toCustomer(c, messageFrame(e));
        return e;
    }

    public CompletableFuture<Void> agentTyping(String agent, String id) {
        return call(() -> {
            Conversation c = conversation(id);
            ContactView v = router.contact(id).orElseThrow();
            if (agent.equals(v.agent()) && v.state() == ContactState.ACTIVE) {
                toCustomer(c, OmniJson.customer("typing", "from", "agent"));
            }
            return null;
        });
    }

    /** A live contact the agent may see (owner or offered), with its transcript. */
    public CompletableFuture<Map<String, Object>> details(String agent, boolean supervisor, String id) {
        return call(() -> {
            Conversation c = conversation(id);
            ContactView v = router.contact(id).orElse(null);
            if (!supervisor && (v == null || !agent.equals(v.agent()))) {
                throw new ContactException(ContactException.Reason.NOT_YOURS, "contact " + id + " is not yours");
            }
            return pop(v, c);
        });
    }

    /** The contacts offered to or owned by {@code agent}, each with its customer and transcript (a desktop reloading). */
    public CompletableFuture<List<Map<String, Object>>> contactsOf(String agent) {
        return call(() -> {
            List<Map<String, Object>> out = new ArrayList<>();
            for (ContactView v : router.contacts()) {
                Conversation c = conversations.get(v.id());
                if (agent.equals(v.agent()) && c != null) {
                    out.add(pop(v, c));
                }
            }
            return out;
        });
    }

    // ---- customers: chat ---------------------------------------------------------------------------------------

    /** The pre-chat form. */
    public record ChatStart(String name, String email, String phone, String topic) {
    }

    /** A new chat; the customer gets {@code welcome} (chat id, resume token) and the bot's greeting on {@code link}. */
    public CompletableFuture<String> startChat(ChatStart form, CustomerLink link) {
        return startChat(form, link, id -> { });
    }

    /** As above; {@code onId} learns the chat id before the customer does (so that their next message finds it). */
    public CompletableFuture<String> startChat(ChatStart form, CustomerLink link, Consumer<String> onId) {
        return call(() -> {
            String id = "chat-" + Long.toString(++nextId, 36) + "-" + token(6);
            ContactCustomer customer = ContactCustomer.of(form.name(), form.email(), form.phone());
            Conversation c = new Conversation(id, Medium.CHAT, customer, form.topic(), token(18),
                    bot != null ? Conversation.Phase.BOT : Conversation.Phase.ROUTED);
            conversations.put(id, c);
            c.link = link;
            onId.accept(id);
            link.send(OmniJson.customer("welcome", "chat", id, "resume", c.resumeToken, "seq", 0));
            if (bot != null) {
                add(c, From.BOT, bot.name(), "Hello " + (form.name() == null ? "" : form.name()).trim()
                        + "! I can answer common questions. Ask away, or ask for an agent at any time.", Map.of());
            } else {
                route(c, null);
            }
            return id;
        });
    }

    /** A customer back after a lost connection: everything after {@code lastSeq} is sent again. */
    public CompletableFuture<String> resumeChat(String id, String token, long lastSeq, CustomerLink link,
                                                Consumer<String> onId) {
        return call(() -> {
            Conversation c = conversations.get(id);
            if (c == null || !java.security.MessageDigest.isEqual(c.resumeToken.getBytes(), token.getBytes())) {
                throw new OmniException("not_found", "no chat to resume with this id and token");
            }
            if (c.grace != null) {
                c.grace.cancel(false);
                c.grace = null;
            }
            if (c.link != null && c.link != link) {
                c.link.close(OmniJson.customer("closed", "reason", "resumed elsewhere"));
            }
            c.link = link;
            onId.accept(id);
            link.send(OmniJson.customer("welcome", "chat", id, "resume", c.resumeToken, "seq", c.lastSeq()));
            for (TranscriptEntry e : c.after(lastSeq)) {
                link.replay(messageFrame(e));
            }
            return id;
        });
    }

    public CompletableFuture<TranscriptEntry> customerMessage(String id, String text) {
        return call(() -> {
            Conversation c = conversation(id);
            checkRoom(c);
            TranscriptEntry e = add(c, From.CUSTOMER, c.customer.name(), text, Map.of());
            if (c.phase == Conversation.Phase.BOT) {
                botTurn(c, e);
            } else {
                toOwner(c, OmniJson.event("contact.message", e.at(), Map.of("contactId", c.id, "entry", e)));
            }
            return e;
        });
    }

    public CompletableFuture<Void> customerTyping(String id) {
        return call(() -> {
            Conversation c = conversations.get(id);
            if (c != null && c.phase == Conversation.Phase.ROUTED) {
                toOwner(c, OmniJson.event("contact.typing", clock.instant(), Map.of("contactId", id)));
            }
            return null;
        });
    }

    /** The customer asks for a person (the widget's button). */
    public CompletableFuture<Void> customerAsksAgent(String id) {
        return call(() -> {
            Conversation c = conversation(id);
            if (c.phase == Conversation.Phase.BOT) {
                route(c, "the customer asked for a person");
            }
            return null;
        });
    }

    /** The customer's connection went away: the chat waits {@code resumeGraceSeconds} for them. */
    public void customerDetached(String id, CustomerLink link) {
        post(() -> {
            Conversation c = conversations.get(id);
            if (c == null || c.link != link) {
                return;
            }
            c.link = null;
            c.grace = timer.schedule(() -> post(() -> {
                if (conversations.get(id) == c && c.link == null) {
                    customerGone(c, "did not come back within " + config.chat().resumeGraceSeconds() + " s");
                }
            }), config.chat().resumeGraceSeconds(), TimeUnit.SECONDS);
        });
    }

    /** The customer closed the chat. */
    public CompletableFuture<Void> customerClosed(String id) {
        return call(() -> {
            Conversation c = conversations.get(id);
            if (c != null) {
                customerGone(c, "closed the chat");
            }
            return null;
        });
    }

    // ---- customers: email --------------------------------------------------------------------------------------

    /** A mail from the mailbox: joins its thread when one of its references is known, else a new contact. */
    public CompletableFuture<String> emailReceived(InboundEmail m) {
        return call(() -> {
            Conversation c = null;
            List<String> refs = new ArrayList<>(m.references());
            if (m.inReplyTo() != null) {
                refs.add(m.inReplyTo());
            }
            String previous = null;
            synchronized (threads) {
                for (int i = refs.size() - 1; i >= 0 && c == null; i--) {
                    String cid = threads.get(refs.get(i));
                    if (cid != null) {
                        c = conversations.get(cid);
                        previous = previous == null ? cid : previous;
                    }
                }
            }
            Map<String, String> meta = new HashMap<>();
            meta.put("messageId", m.messageId());
            meta.put("subject", m.subject() == null ? "" : m.subject());
            if (c != null) {
                if (c.messageIds.contains(m.messageId())) {
                    return c.id; // the same mail read twice: already in the thread
                }
                remember(c, m.messageId());
                c.lastCustomerMessageId = m.messageId();
                TranscriptEntry e = add(c, From.CUSTOMER, m.fromName(), m.text(), meta);
                toOwner(c, OmniJson.event("contact.message", e.at(), Map.of("contactId", c.id, "entry", e)));
                return c.id;
            }
            String id = "email-" + Long.toString(++nextId, 36) + "-" + token(6);
            c = new Conversation(id, Medium.EMAIL, ContactCustomer.of(m.fromName(), m.fromAddress(), null), null,
                    token(18), Conversation.Phase.ROUTED);
            c.subject = m.subject();
            conversations.put(id, c);
            Conversation fresh = c;
            refs.forEach(fresh.messageIds::add);
            remember(c, m.messageId());
            c.lastCustomerMessageId = m.messageId();
            add(c, From.CUSTOMER, m.fromName(), m.text(), meta);
            if (previous != null) {
                c.collected.put("previousContact", previous);
            }
            route(c, null);
            return id;
        });
    }

    private void remember(Conversation c, String messageId) {
        c.messageIds.add(messageId);
        synchronized (threads) {
            threads.put(messageId, c.id);
        }
    }

    // ---- internals (omni thread) -------------------------------------------------------------------------------

    private void tick() {
        Instant now = clock.instant();
        apply(router.tick(now));
        live = MediaKpis.count(router.contacts());
        try {
            loadListener.tick(now);
        } catch (RuntimeException ex) {
            LOG.warn("load listener tick failed", ex);
        }
    }

    private void botTurn(Conversation c, TranscriptEntry e) {
        if (c.botBusy) {
            return; // one question at a time: the next message is read with the answer's history
        }
        c.botBusy = true;
        BotTurn turn = new BotTurn(c.id, e.text(), c.customer, c.topic, c.collected, c.entries);
        CompletableFuture<BotReply> f;
        try {
            f = bot.answer(turn);
        } catch (RuntimeException ex) {
            f = CompletableFuture.completedFuture(BotReply.handover(null, "the bot failed: " + ex));
        }
        f.whenComplete((reply, ex) -> post(() -> {
            c.botBusy = false;
            if (conversations.get(c.id) != c || c.phase != Conversation.Phase.BOT) {
                return;
            }
            BotReply r = ex != null ? BotReply.handover(null, "the bot failed: " + ex) : reply;
            c.collected.putAll(r.data());
            if (r.intent() != null) {
                c.collected.put("intent", r.intent());
            }
            if (r.text() != null && !r.text().isBlank()) {
                Map<String, String> meta = r.links().isEmpty() ? Map.of() : Map.of("links", String.join(" ", r.links()));
                add(c, From.BOT, bot.name(), r.text(), meta);
            }
            c.misses = r.understood() ? 0 : c.misses + 1;
            if (r.handover()) {
                route(c, r.reason() != null ? r.reason() : "the bot handed over");
            } else if (c.misses >= config.bot().maxMisses()) {
                add(c, From.BOT, bot.name(), "I am passing you to a colleague who can help.", Map.of());
                route(c, "the bot did not understand " + c.misses + " questions in a row");
            }
        }));
    }

    /** To a person: the contact enters the router with what the bot collected. */
    private void route(Conversation c, String handoverReason) {
        c.phase = Conversation.Phase.ROUTED;
        Map<String, String> data = new HashMap<>(c.collected);
        if (c.topic != null && !c.topic.isBlank()) {
            data.put("topic", c.topic);
        }
        if (handoverReason != null) {
            data.put("handover", handoverReason);
        }
        String queue = queueFor(c);
        Contact contact = new Contact(c.id, c.medium, c.customer, queue, c.subject != null ? c.subject : c.topic,
                data, 0, c.entries.isEmpty() ? clock.instant() : c.entries.get(0).at());
        if (c.medium == Medium.CHAT) {
            add(c, From.SYSTEM, null, "Waiting for an agent.", Map.of());
        }
        apply(router.enqueue(contact, clock.instant()));
    }

    private String queueFor(Conversation c) {
        if (c.medium == Medium.EMAIL && config.email() != null && config.email().queue() != null) {
            return config.email().queue();
        }
        if (c.topic != null) {
            for (QueueSettings q : config.queues()) {
                if (q.name().equalsIgnoreCase(c.topic.trim())) {
                    return q.name();
                }
            }
        }
        return config.defaultQueue();
    }

    private void customerGone(Conversation c, String why) {
        if (c.grace != null) {
            c.grace.cancel(false);
            c.grace = null;
        }
        if (c.link != null) {
            c.link.close(OmniJson.customer("closed", "reason", "you left the chat"));
            c.link = null;
        }
        Instant now = clock.instant();
        ContactView v = router.contact(c.id).orElse(null);
        if (c.phase == Conversation.Phase.BOT) {
            conversations.remove(c.id);
            saveBotOnly(c, now);
            return;
        }
        if (v == null) {
            return;
        }
        if (v.state() == ContactState.ACTIVE) {
            c.customerLeft = true;
            note(c, "The customer " + why + ".");
        } else {
            apply(router.close(c.id, null, EndedBy.CALLER, null, null, now));
        }
    }

    private void saveBotOnly(Conversation c, Instant now) {
        Map<String, String> data = new HashMap<>(c.collected);
        data.put("contained", "bot");
        Instant start = c.entries.isEmpty() ? now : c.entries.get(0).at();
        ContactRecord r = new ContactRecord(c.id, c.medium, null, bot == null ? null : bot.name(), c.customer,
                io.ctiserver.events.CallResult.ANSWERED, 0, 0, EndedBy.CALLER,
                start, start, now, null, data);
        store.save(new StoredContact(r, c.entries));
    }

    /** A conversation holds at most {@code transcriptLimit} entries (system notes may pass it by a few). */
    private void checkRoom(Conversation c) {
        if (c.entries.size() >= config.transcriptLimit()) {
            throw new OmniException("transcript_full", "this conversation holds " + config.transcriptLimit()
                    + " messages, the most it may; please start a new one");
        }
    }

    private void note(Conversation c, String text) {
        TranscriptEntry e = add(c, From.SYSTEM, null, text, Map.of());
        toOwner(c, OmniJson.event("contact.message", e.at(), Map.of("contactId", c.id, "entry", e)));
    }

    /** Appends to the transcript and, for bot and system lines, tells the customer. */
    private TranscriptEntry add(Conversation c, From from, String name, String text, Map<String, String> meta) {
        TranscriptEntry e = new TranscriptEntry(c.lastSeq() + 1, clock.instant(), from, name, text, meta);
        c.entries.add(e);
        if (from == From.BOT || from == From.SYSTEM || from == From.CUSTOMER) {
            toCustomer(c, messageFrame(e));
        }
        return e;
    }

    private static byte[] messageFrame(TranscriptEntry e) {
        return OmniJson.customer("message", "seq", e.seq(), "from", e.from(), "name", e.name(), "text", e.text(),
                "at", e.at(), "links", e.meta().get("links"));
    }

    private void toCustomer(Conversation c, byte[] frame) {
        if (c.medium == Medium.CHAT && c.link != null) {
            c.link.send(frame);
        }
    }

    private void toOwner(Conversation c, byte[] body) {
        router.contact(c.id).filter(v -> v.state() == ContactState.ACTIVE && v.agent() != null)
                .ifPresent(v -> desktops.toAgent(v.agent(), body));
    }

    private Map<String, Object> pop(ContactView v, Conversation c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("contact", v);
        m.put("customer", c.customer);
        m.put("transcript", c.entries);
        return m;
    }

    /** The router's events to their audiences. */
    private void apply(List<ContactEvent> events) {
        // The loads snapshot is published before any event goes out, so whoever saw an event reads its state.
        if (events.stream().anyMatch(e -> e instanceof ContactEvent.LoadChanged)) {
            loads = router.loads();
        }
        List<String> gone = new ArrayList<>(0);
        for (ContactEvent e : events) {
            if (e instanceof ContactEvent.Offered o) {
                Conversation c = conversations.get(o.contact().id());
                desktops.toAgent(o.contact().agent(), OmniJson.event("contact.offered", o.time(), pop(o.contact(), c)));
                if (!desktops.online(o.contact().agent())) {
                    gone.add(o.contact().agent());
                }
            } else if (e instanceof ContactEvent.Accepted a) {
                Conversation c = conversations.get(a.contact().id());
                desktops.toAgent(a.contact().agent(), OmniJson.event("contact.accepted", a.time(),
                        pop(a.contact(), c)));
                if (c.medium == Medium.CHAT) {
                    add(c, From.SYSTEM, null, a.contact().agent() + " joined the chat.",
                            Map.of("agent", a.contact().agent()));
                }
            } else if (e instanceof ContactEvent.Withdrawn w) {
                desktops.toAgent(w.agent(), OmniJson.event("contact.withdrawn", w.time(),
                        Map.of("contactId", w.contact().id(), "reason", w.reason())));
            } else if (e instanceof ContactEvent.Closed cl) {
                closed(cl);
            } else if (e instanceof ContactEvent.LoadChanged l) {
                kpis.load(l.load(), l.time());
                try {
                    loadListener.load(l.load(), l.time());
                } catch (RuntimeException ex) {
                    LOG.warn("load listener failed for {}", l.load().agent(), ex);
                }
                byte[] body = OmniJson.event("agent.load", l.time(), l.load());
                desktops.toAgent(l.load().agent(), body);
                desktops.toSupervisors(body);
            } else if (e instanceof ContactEvent.VoicePause p) {
                try {
                    voice.pause(p.agent(), p.paused(), p.reason());
                } catch (RuntimeException ex) {
                    LOG.warn("voice pause of {} failed", p.agent(), ex);
                }
            }
        }
        // An offer to an agent with no desktop connected would only wait for its timeout: the agent is away now
        // (they say "ready" again when back), and the contact goes to the next agent at once.
        for (String agent : gone) {
            LOG.info("agent {} has no desktop connected: not ready for contacts until they say so", agent);
            apply(router.agentAway(agent, clock.instant()));
        }
    }

    private void closed(ContactEvent.Closed cl) {
        ContactRecord r = cl.record();
        Conversation c = conversations.remove(r.contactId());
        kpis.record(r);
        if (r.agent() != null) {
            desktops.toAgent(r.agent(), OmniJson.event("contact.closed", cl.time(), Map.of("record", r)));
        }
        if (c != null) {
            if (c.grace != null) {
                c.grace.cancel(false);
            }
            if (c.link != null) {
                c.link.close(OmniJson.customer("closed", "reason", "the chat has ended"));
                c.link = null;
            }
            try {
                store.save(new StoredContact(r, c.entries));
            } catch (RuntimeException ex) {
                LOG.error("could not store contact {}", r.contactId(), ex);
            }
        }
    }

    private static ContactRecord closedRecord(List<ContactEvent> ev) {
        for (ContactEvent e : ev) {
            if (e instanceof ContactEvent.Closed c) {
                return c.record();
            }
        }
        throw new IllegalStateException("close without a record");
    }

    private Conversation conversation(String id) {
        Conversation c = conversations.get(id);
        if (c == null) {
            throw new OmniException("not_found", "no live conversation '" + id + "'");
        }
        return c;
    }

    /** A live contact (any thread but the omni thread: it waits for it). */
    public Optional<ContactView> contact(String id) {
        try {
            return call(() -> router.contact(id)).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    /** Omni thread only (through {@link #call}): the chat's resume token, for tests that reconnect. */
    String resumeTokenForTests(String id) {
        return conversation(id).resumeToken;
    }

    private static String reSubject(String s) {
        if (s == null || s.isBlank()) {
            return "Re: your message";
        }
        return s.regionMatches(true, 0, "Re:", 0, 3) ? s : "Re: " + s;
    }

    private String token(int bytes) {
        byte[] b = new byte[bytes];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    @Override
    public void close() {
        timer.shutdownNow();
        thread.shutdownNow();
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
