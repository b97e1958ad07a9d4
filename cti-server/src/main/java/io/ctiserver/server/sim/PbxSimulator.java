package io.ctiserver.server.sim;

import io.ctiserver.server.sim.phone.PhoneFeatureCodes;
import io.ctiserver.ami.AmiMessage;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * An Asterisk 22 stand-in: an AMI server, a FastAGI client and a contact-centre traffic model on one simulation
 * thread. The in-process API for the demo, tests and benchmarks:
 *
 * <pre>{@code
 * PbxSimulator sim = PbxSimulator.start(SimConfig.demo().withAmiPort(0));
 * int port = sim.amiPort();
 * sim.placeInboundCall("5551001", "5000");
 * List<String> truth = sim.queueLog();
 * sim.stop();
 * }</pre>
 *
 * Every method may be called from any thread; work is handed to the engine thread.
 */
public final class PbxSimulator implements AutoCloseable {

    private final SimConfig config;
    private final SimEngine engine;
    private final EventLoopGroup io;
    private final AmiServer ami;
    private final Pbx pbx;
    private final QueueLog queueLog;
    private final int amiPort;
    private final AmiActions actions;
    private volatile boolean stopped;

    private PbxSimulator(SimConfig config) throws InterruptedException {
        this.config = config;
        this.engine = new SimEngine(config.speed(), System.currentTimeMillis());
        this.io = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("sim-io", true),
                NioIoHandler.newFactory());
        this.queueLog = new QueueLog(config.queueLogFile());
        this.ami = new AmiServer(io, engine, config);
        try {
            this.pbx = engine.call(() -> new Pbx(engine, config, queueLog, ami::broadcast)).join();
        } catch (java.util.concurrent.CompletionException e) {
            // A bad config: release the threads before reporting it.
            engine.shutdown();
            io.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            queueLog.close();
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
        if (config.agiPort() > 0) {
            pbx.agi = new AgiStep(pbx, io, config.agiHost(), config.agiPort(), config.agiTimeoutMs());
        }
        this.actions = new AmiActions(pbx, ami, new AmiActions.Faults() {
            // Called on the engine thread: each fault is done there or handed to another thread, never waited for.
            @Override
            public void drop() {
                engine.after(0, ami::dropAll);
            }

            @Override
            public void restart() {
                engine.after(0, PbxSimulator.this::restartOnEngine);
            }

            @Override
            public void stall(boolean on) {
                engine.after(0, () -> ami.stall(on));
            }

            @Override
            public void garbage() {
                engine.after(0, () -> ami.sendRaw(GARBAGE));
            }

            @Override
            public void oversized(int bytes) {
                engine.after(0, () -> ami.sendRaw(oversizedMessage(bytes)));
            }
        });
        ami.actions(actions);
        this.amiPort = ami.bind();
        engine.execute(() -> pbx.traffic().start());
    }

    /** Starts a simulator; null fields of {@code config} take the demo defaults. */
    public static PbxSimulator start(SimConfig config) {
        try {
            return new PbxSimulator(config.withDefaults());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the simulator", e);
        }
    }

    public int amiPort() {
        return amiPort;
    }

    public SimConfig config() {
        return config;
    }

    /** Stops traffic, closes every socket and the engine. */
    public void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        engine.execute(() -> pbx.traffic().stop());
        ami.close();
        io.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        engine.shutdown();
        queueLog.close();
    }

    @Override
    public void close() {
        stop();
    }

    // ---- scripted calls -----------------------------------------------------------------------------------------

    /**
     * Places one inbound SIP call (like capture 09) to {@code exten}: it answers, goes through the AGI step and
     * queues. Returns the caller's channel name. The agent talks 8 s and hangs up; the caller never abandons.
     */
    public String placeInboundCall(String callerNumber, String exten) {
        return placeInboundCall(InboundCall.of(callerNumber, exten));
    }

    /** Places a scripted inbound call; returns the caller's channel name. */
    public String placeInboundCall(InboundCall call) {
        return engine.call(() -> Traffic.placeInbound(pbx, call).caller.name).join();
    }

    /** As above with an IVR choice, talk time and patience (0 = never abandons), in simulated seconds. */
    public String placeInboundCall(String callerNumber, String exten, String ivrChoice, double talkSeconds,
                                   double patienceSeconds) {
        return placeInboundCall(InboundCall.of(callerNumber, exten).ivr(ivrChoice).talk(talkSeconds, true)
                .patience(patienceSeconds));
    }

    /**
     * Fills the PBX with calls, as a busy Asterisk is when a client logs in: places every call in one go on the
     * engine thread (through the same dialplan and queues as {@link #placeInboundCall}), then waits until nothing
     * rings any more, so each free agent has answered one and the rest wait in their queues. Give the calls long
     * talk times and no patience (0) and they stay up. Clients logged in meanwhile get the events as usual; for
     * resync tests and {@code bench resync}, place them before anyone logs in.
     *
     * @return the load once settled; an {@link IllegalStateException} if agents still ring after {@code timeout}
     */
    public Load preload(List<InboundCall> calls, java.time.Duration timeout) throws InterruptedException {
        engine.call(() -> {
            for (InboundCall call : calls) {
                Traffic.placeInbound(pbx, call);
            }
            return null;
        }).join();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (engine.call(() -> pbx.devices.values().stream().anyMatch(d -> d.ringing)).join()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("agents still ringing " + timeout + " after the preload");
            }
            Thread.sleep(5);
        }
        return load();
    }

    /**
     * What the PBX holds now, call by call, for tests and benchmarks that compare a client's tracked state with it.
     *
     * @param calls        the Linkedid of every call with a live channel
     * @param queueEntries per queue, the Linkedids of the waiting callers in position order
     * @param agentCalls   per member interface, the Linkedid of the queue call the agent is connected to
     */
    public record Truth(java.util.Set<String> calls, java.util.Map<String, List<String>> queueEntries,
                        java.util.Map<String, String> agentCalls) {
    }

    public Truth truth() {
        return engine.call(() -> {
            java.util.Set<String> calls = new java.util.HashSet<>();
            java.util.Map<String, String> agentCalls = new java.util.HashMap<>();
            for (Chan c : pbx.channels.values()) {
                calls.add(c.linkedid);
                if (c.flow instanceof QueueCall qc && qc.caller == c && qc.phase == QueueCall.Phase.CONNECTED) {
                    agentCalls.put(qc.connected.member.iface, c.linkedid);
                } else if (c.flow instanceof HeldPair p && p.customer == c && p.agentEngaged()) {
                    agentCalls.put(p.call().connected.member.iface, c.linkedid);
                }
            }
            java.util.Map<String, List<String>> entries = new java.util.LinkedHashMap<>();
            for (SimQueue q : pbx.queues.values()) {
                entries.put(q.name, q.entries.stream().map(e -> e.caller.linkedid).toList());
            }
            return new Truth(java.util.Set.copyOf(calls), entries, java.util.Map.copyOf(agentCalls));
        }).join();
    }

    /** Sets how an agent's device behaves from now on: {@code answer}, {@code noanswer} or {@code busy}. */
    public void setAgentBehaviour(String iface, String behaviour, double ringSeconds) {
        setAgentBehaviour(iface, behaviour, ringSeconds, 0);
    }

    /** As above, and the agent talks {@code talkSeconds} on queue calls (0 = the call's own talk time). */
    public void setAgentBehaviour(String iface, String behaviour, double ringSeconds, double talkSeconds) {
        engine.call(() -> {
            Device d = pbx.devices.get(iface);
            if (d == null) {
                throw new IllegalArgumentException("no agent device " + iface);
            }
            d.behaviour = behaviour;
            d.ringSeconds = ringSeconds;
            d.answerShare = 1.0;
            d.talkSeconds = talkSeconds;
            return null;
        }).join();
    }

    /** Stops generating new calls; calls in progress go on to their end. */
    public void stopTraffic() {
        engine.call(() -> {
            pbx.traffic().stop();
            return null;
        }).join();
    }

    /**
     * Stops generating calls once {@code simulatedSeconds} of simulated time have passed since traffic started; with
     * a fixed seed this gives a reproducible run.
     */
    public void stopTrafficAt(double simulatedSeconds) {
        engine.call(() -> {
            pbx.traffic().stopAt(simulatedSeconds);
            return null;
        }).join();
    }

    /** Starts (again) generating calls at the configured rate. */
    public void startTraffic() {
        engine.call(() -> {
            pbx.traffic().start();
            return null;
        }).join();
    }

    /**
     * Waits until traffic generation has stopped and no channel is left (every call has ended), checking every
     * {@code 10 ms}; false on timeout. For
     * tests and benchmarks that need the truth to be complete.
     */
    public boolean awaitIdle(java.time.Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (engine.call(() -> !pbx.traffic().running() && pbx.channels.isEmpty()).join()) {
                return true;
            }
            Thread.sleep(10);
        }
        return false;
    }

    /** How busy the PBX is right now. */
    public record Load(int channels, int calls, int waiting, int bridges) {
    }

    public Load load() {
        return engine.call(() -> {
            java.util.Set<String> calls = new java.util.HashSet<>();
            for (Chan c : pbx.channels.values()) {
                calls.add(c.linkedid);
            }
            int waiting = 0;
            for (SimQueue q : pbx.queues.values()) {
                waiting += q.entries.size();
            }
            return new Load(pbx.channels.size(), calls.size(), waiting, pbx.bridges.size());
        }).join();
    }

    /** Names of the live channels. */
    public List<String> channels() {
        return engine.call(() -> List.copyOf(pbx.channels.keySet())).join();
    }

    /** The number of calls waiting in {@code queue}. */
    public int waiting(String queue) {
        return engine.call(() -> pbx.queues.get(queue).entries.size()).join();
    }

    // ---- truth --------------------------------------------------------------------------------------------------

    /**
     * Keeps at most {@code max} queue_log lines in memory from now on ({@link QueueLog#MAX_LINES} by default; 0:
     * none, the file alone): {@code bench soak} measures the server's heap, not the simulator's record of the truth.
     */
    public void keepQueueLogLines(int max) {
        queueLog.keep(max);
    }

    /** Every queue_log line so far (the truth), oldest first; also after {@link #stop()}. */
    public List<String> queueLog() {
        if (!stopped) {
            engine.call(() -> {
                queueLog.flush();
                return null;
            }).join();
        }
        return queueLog.lines();
    }

    /**
     * The PBX's own state at one instant, to compare a tracker with: each live call by its Linkedid, with the queue
     * member it is connected to ("" while none is); each queue's members with their paused flag; each queue's
     * waiting callers.
     */
    public record StateTruth(Map<String, String> callAgents, Map<String, Map<String, Boolean>> members,
                             Map<String, Integer> waiting) {
    }

    public StateTruth stateTruth() {
        return engine.call(() -> {
            Map<String, String> calls = new TreeMap<>();
            for (Chan c : pbx.channels.values()) {
                String agent = c.flow instanceof QueueCall q && q.phase == QueueCall.Phase.CONNECTED
                        && q.connected != null ? q.connected.member.iface : "";
                calls.merge(c.linkedid, agent, (a, b) -> a.isEmpty() ? b : a);
            }
            Map<String, Map<String, Boolean>> members = new TreeMap<>();
            Map<String, Integer> waiting = new TreeMap<>();
            for (SimQueue q : pbx.queues.values()) {
                Map<String, Boolean> m = new TreeMap<>();
                q.members.values().forEach(mem -> m.put(mem.iface, mem.paused));
                members.put(q.name, m);
                waiting.put(q.name, q.entries.size());
            }
            return new StateTruth(calls, members, waiting);
        }).join();
    }

    /** Calls the traffic model generated so far. */
    public long generatedCalls() {
        return engine.call(() -> pbx.traffic().generated()).join();
    }

    public SimEngine.LagStats lag() {
        return engine.stats().join();
    }

    public void resetLag() {
        engine.resetStats();
    }

    /** Simulated epoch milliseconds now. */
    public long now() {
        return engine.call(engine::now).join();
    }

    /**
     * The last actions AMI clients sent (up to 4,096; Login and Challenge are not kept), oldest first: what a test
     * checks a desktop's command really reached the PBX as.
     */
    public List<AmiMessage> receivedActions() {
        return engine.call(actions::received).join();
    }

    public int amiSessions() {
        return ami.sessionCount();
    }

    // ---- faults -------------------------------------------------------------------------------------------------

    /** Cuts every AMI connection, as a network failure would. */
    public void dropAmiConnections() {
        ami.dropAll();
    }

    /**
     * A restart of Asterisk: every connection drops, every call vanishes without events, and the clients that log
     * in again get a FullyBooted with Uptime 0.
     */
    public void restart() {
        engine.call(() -> {
            restartOnEngine();
            return null;
        }).join();
    }

    private void restartOnEngine() {
        pbx.traffic().stop();
        engine.clearTimers();
        pbx.reset();
        ami.dropAll();
        pbx.traffic().start();
    }

    private static final byte[] GARBAGE = "this line has no colon\r\n\u0001\u0002 binary \u0003\r\n\r\n"
            .getBytes(StandardCharsets.UTF_8);

    private static byte[] oversizedMessage(int size) {
        StringBuilder sb = new StringBuilder(size + 64).append("Event: VarSet\r\nPrivilege: dialplan,all\r\n");
        while (sb.length() < size) {
            sb.append("Value: ").append("x".repeat(1000)).append("\r\n");
        }
        return sb.append("\r\n").toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Stops (true) or resumes (false) every write to AMI clients; what was held back is written on resume. */
    public void stallWrites(boolean stalled) {
        engine.call(() -> {
            ami.stall(stalled);
            return null;
        }).join();
    }

    /** Sends raw bytes to every logged-in client (garbage lines, a broken message). */
    public void sendRaw(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        engine.call(() -> {
            ami.sendRaw(bytes);
            return null;
        }).join();
    }

    /** Sends one message of {@code size} bytes (for clients' message-size limits), then a normal event. */
    public void sendOversizedMessage(int size) {
        byte[] bytes = oversizedMessage(size);
        engine.call(() -> {
            ami.sendRaw(bytes);
            return null;
        }).join();
        engine.call(() -> {
            ami.broadcast(AmiMessage.of("Event", "Ping", "Privilege", "system,all"));
            return null;
        }).join();
    }

    // ---- phones (sim/phone) ---------------------------------------------------------------------------------------

    /** The PJSIP endpoints that have a simulated phone ({@code agent1}, {@code 201}, ...). */
    public List<String> phones() {
        return engine.call(() -> List.copyOf(pbx.phones.keySet())).join();
    }

    /**
     * How a phone reacts from now on: to a NOTIFY ({@code Event: talk} answers a ringing call or resumes, {@code hold}
     * holds; a phone that does not is one that ignores them) and to an auto-answer header on an INVITE.
     */
    public void phoneBehaviour(String endpoint, boolean answersOnNotify, boolean honoursAutoAnswer) {
        engine.call(() -> {
            io.ctiserver.server.sim.phone.SimPhone p = phoneOrFail(endpoint);
            p.answersOnNotify(answersOnNotify);
            p.honoursAutoAnswer(honoursAutoAnswer);
            return null;
        }).join();
    }

    /** The {@code Event:} of every NOTIFY the phone received, oldest first. */
    public List<String> phoneNotifies(String endpoint) {
        return engine.call(() -> phoneOrFail(endpoint).notifies()).join();
    }

    /** The headers added (PJSIP_HEADER) on every INVITE the phone received from an Originate, oldest first. */
    public List<Map<String, String>> phoneInvites(String endpoint) {
        return engine.call(() -> phoneOrFail(endpoint).invites()).join();
    }

    /** The phone registers ({@code uri}, or its last contact when null): ContactStatus Created, Reachable. */
    public void registerPhone(String endpoint, String uri) {
        engine.call(() -> {
            new PhoneActions(pbx, ami).contact(phoneOrFail(endpoint), true, uri);
            return null;
        }).join();
    }

    /** The phone unregisters: ContactStatus Removed, and its device turns UNAVAILABLE. */
    public void unregisterPhone(String endpoint) {
        engine.call(() -> {
            new PhoneActions(pbx, ami).contact(phoneOrFail(endpoint), false, null);
            return null;
        }).join();
    }

    /**
     * The phone dials a feature code of {@code [cti-phone-features]} ({@link PhoneFeatureCodes}) as the extension
     * {@code callerNumber} (its CALLERID(num)): a short call in {@code from-agents} that writes AstDB
     * and raises {@code UserEvent CtiPhoneSetting}, then hangs up.
     */
    public void dialFeatureCode(String endpoint, String callerNumber, String digits) {
        var setting = PhoneFeatureCodes.parse(digits)
                .orElseThrow(() -> new IllegalArgumentException("not a feature code: " + digits));
        engine.call(() -> {
            io.ctiserver.server.sim.phone.SimPhone p = phoneOrFail(endpoint);
            Chan c = pbx.newChannelWithCallerId(p.device(), ChanState.RING, "from-agents", digits, callerNumber,
                    "");
            pbx.newState(c, ChanState.UP);
            pbx.astDb.put(setting.family(), setting.key(callerNumber), setting.value());
            pbx.emitChan("UserEvent", "user,all", c, "UserEvent", "CtiPhoneSetting", "Extension", callerNumber,
                    "Setting", setting.setting(), "Value", setting.value());
            pbx.hangup(c, 16);
            return null;
        }).join();
    }

    /** AstDB as DBPut left it: {@code family/key} to value. */
    public Map<String, String> astDb() {
        return engine.call(pbx.astDb::copy).join();
    }

    private io.ctiserver.server.sim.phone.SimPhone phoneOrFail(String endpoint) {
        io.ctiserver.server.sim.phone.SimPhone p = pbx.phones.get(endpoint);
        if (p == null) {
            throw new IllegalArgumentException("no simulated phone '" + endpoint + "' (have " + pbx.phones.keySet()
                    + ")");
        }
        return p;
    }

    /** Runs something on the engine thread and waits (for tests that need a consistent view). */
    <T> CompletableFuture<T> onEngine(java.util.function.Supplier<T> task) {
        return engine.call(task);
    }
}
