package io.ctiserver.server.ami;

import static io.ctiserver.ami.AmiLinkState.AUTH_FAILED;
import static io.ctiserver.ami.AmiLinkState.CONNECTED;
import static io.ctiserver.ami.AmiLinkState.CONNECTING;
import static io.ctiserver.ami.AmiLinkState.DISCONNECTED;
import static io.ctiserver.ami.AmiLinkState.FULLY_BOOTED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.ctiserver.ami.AmiActionException;
import io.ctiserver.ami.AmiMessage;
import io.ctiserver.ami.AmiResponse;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The AMI client over real TCP against {@link ScriptedAmiServer}s replaying the Asterisk 22 captures. */
class AmiClientTest {

    static final String SECRET = "s3cret-do-not-log";

    private EventLoopGroup group;
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final LogRecorder logs = new LogRecorder();
    private Logger clientLogger;
    private Level clientLevel;

    @BeforeEach
    void setUp() {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        clientLogger = (Logger) LoggerFactory.getLogger(AmiClient.class);
        clientLevel = clientLogger.getLevel();
        clientLogger.setLevel(Level.DEBUG); // every line the client writes, to check that none holds the secret
        logs.start();
        clientLogger.addAppender(logs);
    }

    @AfterEach
    void tearDown() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5_000);
        clientLogger.detachAppender(logs);
        clientLogger.setLevel(clientLevel);
        for (ILoggingEvent e : logs.list) {
            assertFalse(e.getFormattedMessage().contains(SECRET), "secret in the log: " + e.getFormattedMessage());
        }
    }

    @Test
    void logsInAndReportsEachStateWithTaggedMessagesOnThePbxThread() throws Exception {
        ScriptedAmiServer server = server(conn -> {
            conn.acceptLogin();
            conn.readAction(); // waits until the client goes
        });
        RecordingListener listener = new RecordingListener();
        AmiClient client = client(config(server), listener);

        listener.expectStates(CONNECTING, CONNECTED, FULLY_BOOTED);
        AmiMessage booted = listener.nextEvent("FullyBooted");
        AmiMessage auth = listener.nextEvent("SuccessfulAuth");
        assertEquals("pbx-a", booted.pbx());
        assertTrue(booted.receivedAt() > 0 && auth.receivedAt() >= booted.receivedAt());
        assertEquals("Fully Booted", booted.get("Status"));
        assertEquals(List.of("ami-pbx-a"), List.copyOf(listener.threads));
        assertEquals(FULLY_BOOTED, client.state());

        AmiMessage login = server.actions().get(0);
        assertEquals("Login", login.action());
        assertEquals("cti", login.get("Username"));
        assertEquals(SECRET, login.get("Secret"));
        assertTrue(login.actionId().startsWith("cti-"), login.actionId());
        assertTrue(listener.seen.indexOf(FULLY_BOOTED) < listener.seen.indexOf(booted), "state before its event");
    }

    @Test
    void md5LoginSendsTheChallengeKeyAndNeverTheSecret() throws Exception {
        ScriptedAmiServer server = server(conn -> {
            conn.banner();
            AmiMessage challenge = conn.readAction();
            conn.send("Response: Success\r\nActionID: " + challenge.actionId() + "\r\nChallenge: 840415273\r\n\r\n");
            AmiMessage login = conn.readAction();
            String expected = md5Hex("840415273" + SECRET);
            if (expected.equals(login.get("Key")) && "MD5".equals(login.get("AuthType"))) {
                conn.send("Response: Success\r\nActionID: " + login.actionId()
                        + "\r\nMessage: Authentication accepted\r\n\r\n");
            } else {
                conn.send("Response: Error\r\nActionID: " + login.actionId()
                        + "\r\nMessage: Authentication failed\r\n\r\n");
            }
            conn.readAction();
        });
        RecordingListener listener = new RecordingListener();
        client(config(server).withMd5(true), listener);

        listener.expectStates(CONNECTING, CONNECTED);
        AmiMessage challenge = server.actions().get(0);
        assertEquals("Challenge", challenge.action());
        assertEquals("MD5", challenge.get("AuthType"));
        AmiMessage login = server.actions().get(1);
        assertNull(login.get("Secret"));
        assertEquals(md5Hex("840415273" + SECRET), login.get("Key"));
    }

    @Test
    void eventListActionsCompleteWithAllTheirEventsInOrderWithLiveEvents() throws Exception {
        // Capture 05: cti-5 was QueueStatus, cti-4 CoreShowChannels. A live VarSet event arrives in the middle.
        List<String> queueStatus = CaptureBlocks.answerTo("05_status_actions_during_call.txt", "cti-5");
        List<String> channels = CaptureBlocks.answerTo("05_status_actions_during_call.txt", "cti-4");
        String liveEvent = CaptureBlocks.of("05_status_actions_during_call.txt").stream()
                .filter(b -> b.startsWith("Event: VarSet\r\n")).findFirst().orElseThrow();
        CountDownLatch callbackSet = new CountDownLatch(1);
        ScriptedAmiServer server = server(conn -> {
            conn.acceptLogin();
            for (AmiMessage a; (a = conn.readAction()) != null; ) {
                String id = a.actionId();
                if (a.action().equals("QueueStatus")) {
                    callbackSet.await(RecordingListener.WAIT_S, TimeUnit.SECONDS);
                    String all = CaptureBlocks.join(queueStatus, id);
                    int mid = all.indexOf("Event: QueueMember");
                    conn.send(all.substring(0, mid) + liveEvent + all.substring(mid));
                } else if (a.action().equals("CoreShowChannels")) {
                    conn.send(CaptureBlocks.join(channels, id));
                }
            }
        });
        RecordingListener listener = new RecordingListener();
        AmiClient client = client(config(server), listener);
        listener.expectStates(CONNECTING, CONNECTED, FULLY_BOOTED);

        CompletableFuture<String> completedOn = new CompletableFuture<>();
        CompletableFuture<AmiResponse> queues = client.send(AmiMessage.of("Action", "QueueStatus", "ActionID", "x"));
        queues.thenRun(() -> {
            listener.seen.add("QueueStatus done");
            completedOn.complete(Thread.currentThread().getName());
        });
        callbackSet.countDown(); // answer only now, so the callback runs where the future completes
        // Wait on completedOn, not on queues: a thread blocked in queues.get() may run its callbacks itself.
        assertEquals("ami-pbx-a", completedOn.get(RecordingListener.WAIT_S, TimeUnit.SECONDS));
        AmiResponse r = queues.get(RecordingListener.WAIT_S, TimeUnit.SECONDS);
        assertTrue(r.isSuccess());
        assertEquals("start", r.response().get("EventList"));
        List<String> names = r.events().stream().map(AmiMessage::eventName).toList();
        assertEquals(List.of("QueueParams", "QueueMember", "QueueMember", "QueueMember", "QueueParams", "QueueMember",
                "QueueMember", "QueueStatusComplete"), names);
        assertEquals("pbx-a", r.events().get(0).pbx());
        String sentId = server.actions().get(1).actionId();
        assertFalse(sentId.equals("x"), "a fresh ActionID replaces the caller's");
        assertTrue(r.events().stream().allMatch(e -> sentId.equals(e.actionId())));

        AmiMessage live = listener.nextEvent("VarSet");
        assertTrue(listener.seen.indexOf(live) < listener.seen.indexOf("QueueStatus done"),
                "the answer comes after the live events Asterisk sent before it");
        assertFalse(listener.seen.stream().anyMatch(o -> o instanceof AmiMessage m
                && "QueueMember".equals(m.eventName())), "list events go to the action, not the listener");

        AmiResponse ch = client.send(AmiMessage.of("Action", "CoreShowChannels"))
                .get(RecordingListener.WAIT_S, TimeUnit.SECONDS);
        assertEquals(5, ch.events().size());
        assertEquals("CoreShowChannelsComplete", ch.events().get(4).eventName());
        assertEquals("4", ch.events().get(4).get("ListItems"));
        awaitTrue(() -> client.pendingActions() == 0, "no action left pending");
    }

    @Test
    void anActionWithoutAnswerTimesOutAndLeavesNothingBehind() throws Exception {
        CountDownLatch timedOut = new CountDownLatch(1);
        ScriptedAmiServer server = server(conn -> {
            conn.acceptLogin();
            AmiMessage hangup = conn.readAction(); // never answered in time
            timedOut.await(RecordingListener.WAIT_S, TimeUnit.SECONDS);
            conn.send(CaptureBlocks.join(CaptureBlocks.answerTo("05_status_actions_during_call.txt", "cti-14"),
                    hangup.actionId()));
            conn.readAction();
        });
        RecordingListener listener = new RecordingListener();
        AmiClient client = client(config(server).withTimeouts(300, 60_000, 10_000), listener);
        listener.expectStates(CONNECTING, CONNECTED, FULLY_BOOTED);

        CompletableFuture<AmiResponse> f = client.send(AmiMessage.of("Action", "Hangup", "Channel", "PJSIP/x"));
        AmiActionException e = failure(f);
        assertEquals(AmiActionException.Reason.TIMEOUT, e.reason());
        assertTrue(e.getMessage().contains("no answer to Hangup"), e.getMessage());
        assertEquals(0, client.pendingActions());
        timedOut.countDown();
        // The late answer is no one's any more: it reaches the listener as an unsolicited message, nothing breaks.
        AmiMessage late = nextMessage(listener, m -> "Channel Hungup".equals(m.get("Message")));
        assertEquals("Success", late.response());
        assertEquals(FULLY_BOOTED, client.state());
    }

    @Test
    void serverClosingMidStreamFailsWaitingActionsThenTheClientReconnectsAndLogsInAgain() throws Exception {
        String half = CaptureBlocks.of("02_queue_call_answered_by_agent.txt").stream()
                .filter(b -> b.startsWith("Event: QueueCallerJoin")).findFirst().orElseThrow();
        ScriptedAmiServer server = server(conn -> {
            conn.acceptLogin();
            AmiMessage first = conn.readAction();
            if (first != null && "Status".equals(first.action())) {
                conn.send(half.substring(0, half.length() / 2)); // a cut event, then the socket closes
                conn.close();
                return;
            }
            conn.readAction();
        });
        RecordingListener listener = new RecordingListener();
        AmiClient client = client(config(server).withBackoff(50, 200, 60_000), listener);
        listener.expectStates(CONNECTING, CONNECTED, FULLY_BOOTED);

        CompletableFuture<AmiResponse> status = client.send(AmiMessage.of("Action", "Status"));
        assertEquals(AmiActionException.Reason.DISCONNECTED, failure(status).reason());
        listener.expectStates(DISCONNECTED, CONNECTING, CONNECTED, FULLY_BOOTED);
        assertEquals(2, server.count("Login"));
        assertEquals(0, client.pendingActions());
        assertTrue(logs.list.stream().anyMatch(e -> e.getFormattedMessage().contains("TRUNCATED_AT_EOF")),
                "the cut event is logged precisely");
        assertTrue(listener.seen.stream().noneMatch(o -> o instanceof AmiMessage m
                && "QueueCallerJoin".equals(m.eventName())), "no half event reaches the consumer");
    }

    @Test
    void aWrongSecretGivesOneClearErrorThenALongBackoffNotAStorm() throws Exception {
        byte[] refused = io.ctiserver.testing.Captures.bytes("01b_login_failed.txt");
        ScriptedAmiServer server = server(conn -> {
            String capture = new String(refused, StandardCharsets.ISO_8859_1);
            int bannerEnd = capture.indexOf("\r\n") + 2;
            conn.send(capture.substring(0, bannerEnd));
            AmiMessage login = conn.readAction();
            conn.send(CaptureBlocks.withActionId(capture.substring(bannerEnd), login.actionId()));
            conn.close(); // as Asterisk does
        });
        RecordingListener listener = new RecordingListener();
        // A fast reconnect (20 ms) would retry dozens of times in the window below; a refused secret waits 60 s.
        AmiClient client = client(config(server).withBackoff(20, 100, 60_000), listener);
        listener.expectStates(CONNECTING, AUTH_FAILED);
        assertEquals(AUTH_FAILED, client.state());

        Thread.sleep(1_000); // the observation window: count what happens in it
        assertEquals(1, server.connections());
        assertEquals(1, server.count("Login"));
        assertEquals(1, client.loginAttempts());
        assertEquals(List.of(), listener.pendingStates(), "no DISCONNECTED/CONNECTING churn");
        List<ILoggingEvent> errors = logs.list.stream().filter(e -> e.getLevel() == Level.ERROR).toList();
        assertEquals(1, errors.size(), "exactly one error: " + errors);
        String text = errors.get(0).getFormattedMessage();
        assertTrue(text.contains("refused the login of user 'cti': Authentication failed"), text);
        assertEquals(AmiActionException.Reason.NOT_CONNECTED,
                failure(client.send(AmiMessage.of("Action", "Ping"))).reason());
    }

    @Test
    void aRefusedLoginIsRetriedOnlyAfterTheAuthBackoffAndLoggedAsErrorOnce() throws Exception {
        ScriptedAmiServer server = server(conn -> {
            conn.banner();
            AmiMessage login = conn.readAction();
            conn.send("Response: Error\r\nActionID: " + login.actionId() + "\r\nMessage: Authentication failed\r\n\r\n");
            conn.close();
        });
        RecordingListener listener = new RecordingListener();
        long start = System.nanoTime();
        client(config(server).withBackoff(10, 50, 400), listener);
        listener.expectStates(CONNECTING, AUTH_FAILED, CONNECTING, AUTH_FAILED);
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(elapsedMs >= 200, "second attempt only after half the auth backoff at least: " + elapsedMs);
        assertEquals(1, logs.list.stream().filter(e -> e.getLevel() == Level.ERROR).count());
    }

    @Test
    void aDeadLinkIsDetectedByAnUnansweredPing() throws Exception {
        ScriptedAmiServer server = server(conn -> {
            if (conn.acceptLogin() == null) {
                return;
            }
            while (conn.readAction() != null) {
                // Reads the Ping and never answers: a hung Asterisk.
            }
        });
        RecordingListener listener = new RecordingListener();
        AmiClient client = client(config(server).withTimeouts(5_000, 200, 300).withBackoff(50, 100, 60_000),
                listener);
        listener.expectStates(CONNECTING, CONNECTED, FULLY_BOOTED, DISCONNECTED, CONNECTING, CONNECTED);
        assertTrue(server.count("Ping") >= 1);
        assertTrue(logs.list.stream().anyMatch(e -> e.getFormattedMessage().contains("no answer to Ping")));
        assertTrue(client.loginAttempts() >= 2);
    }

    @Test
    void aPingAnsweredKeepsTheLinkUp() throws Exception {
        ScriptedAmiServer server = server(conn -> {
            conn.acceptLogin();
            for (AmiMessage a; (a = conn.readAction()) != null; ) {
                conn.send("Response: Success\r\nActionID: " + a.actionId() + "\r\nPing: Pong\r\n\r\n");
            }
        });
        RecordingListener listener = new RecordingListener();
        AmiClient client = client(config(server).withTimeouts(5_000, 100, 2_000), listener);
        listener.expectStates(CONNECTING, CONNECTED, FULLY_BOOTED);
        awaitTrue(() -> server.count("Ping") >= 3, "pings while idle");
        assertEquals(List.of(), listener.pendingStates());
        assertEquals(1, server.connections());
        assertEquals(FULLY_BOOTED, client.state());
    }

    @Test
    void aSlowConsumerGetsEveryEventInOrderBecauseTheSocketStopsReading() throws Exception {
        int total = 20_000;
        ScriptedAmiServer server = server(conn -> {
            conn.acceptLogin();
            StringBuilder chunk = new StringBuilder();
            for (int i = 1; i <= total; i++) {
                chunk.append("Event: UserEvent\r\nPrivilege: user,all\r\nUserEvent: Flood\r\nSeq: ").append(i)
                        .append("\r\nChannel: PJSIP/agent1-00000001\r\nUniqueid: 1795458499.").append(i)
                        .append("\r\n\r\n");
                if (i % 500 == 0) {
                    conn.send(chunk.toString());
                    chunk.setLength(0);
                }
            }
            conn.readAction();
        });
        int capacity = 64;
        int[] maxQueued = {0};
        List<Integer> seqs = new ArrayList<>();
        CountDownLatch all = new CountDownLatch(1);
        AmiClient[] self = new AmiClient[1];
        RecordingListener listener = new RecordingListener() {
            @Override
            public void onMessage(AmiMessage m) {
                if (!"Flood".equals(m.get("UserEvent"))) {
                    return;
                }
                seqs.add(Integer.parseInt(m.get("Seq")));
                maxQueued[0] = Math.max(maxQueued[0], self[0].queuedMessages());
                long until = System.nanoTime() + 20_000; // 20 µs of work per event
                while (System.nanoTime() < until) {
                    Thread.onSpinWait();
                }
                if (seqs.size() == total) {
                    all.countDown();
                }
            }
        };
        self[0] = new AmiClient(config(server).withQueueCapacity(capacity), listener, group);
        toClose.add(self[0]);
        self[0].start();

        assertTrue(all.await(60, TimeUnit.SECONDS), "only " + seqs.size() + " of " + total + " events arrived");
        for (int i = 0; i < total; i++) {
            if (seqs.get(i) != i + 1) {
                fail("event " + (i + 1) + " arrived as " + seqs.get(i) + ": lost or out of order");
            }
        }
        assertTrue(self[0].backpressurePauses() > 0, "autoRead was turned off at least once");
        // Bounded: capacity, plus at most what one 64 KiB read held (these events are ~140 bytes).
        assertTrue(maxQueued[0] <= capacity + 65_536 / 100, "queue peaked at " + maxQueued[0]);
        assertEquals(1, server.connections(), "backpressure never cost the connection");
    }

    @Test
    void aFailingListenerDoesNotStopDeliveryAndPbxExecutorRunsInOrder() throws Exception {
        ScriptedAmiServer server = server(conn -> {
            conn.acceptLogin();
            conn.readAction();
        });
        List<String> order = java.util.Collections.synchronizedList(new ArrayList<>());
        CountDownLatch done = new CountDownLatch(1);
        RecordingListener listener = new RecordingListener() {
            @Override
            public void onMessage(AmiMessage m) {
                order.add(m.eventName());
                if ("FullyBooted".equals(m.eventName())) {
                    throw new IllegalStateException("tracker bug");
                }
            }
        };
        AmiClient client = client(config(server), listener);
        listener.expectStates(CONNECTING, CONNECTED, FULLY_BOOTED);
        awaitTrue(() -> order.contains("SuccessfulAuth"), "the event after the failing one is delivered");
        client.pbxExecutor().execute(() -> {
            order.add("task");
            done.countDown();
        });
        assertTrue(done.await(RecordingListener.WAIT_S, TimeUnit.SECONDS));
        assertEquals(List.of("FullyBooted", "SuccessfulAuth", "task"), order);
    }

    @Test
    void sendingWhileDisconnectedFailsAtOnce() throws Exception {
        ScriptedAmiServer server = server(conn -> conn.close());
        server.close(); // nothing listens on that port any more
        RecordingListener listener = new RecordingListener();
        AmiClient client = client(config(server).withBackoff(5_000, 10_000, 60_000), listener);
        listener.expectStates(CONNECTING, DISCONNECTED);
        AmiActionException e = failure(client.send(AmiMessage.of("Action", "Ping")));
        assertEquals(AmiActionException.Reason.NOT_CONNECTED, e.reason());
        assertEquals(0, client.pendingActions());
    }

    @Test
    void closeFailsWaitingActionsAndLogsOff() throws Exception {
        ScriptedAmiServer server = server(conn -> {
            conn.acceptLogin();
            while (conn.readAction() != null) {
                // Never answers.
            }
        });
        RecordingListener listener = new RecordingListener();
        AmiClient client = new AmiClient(config(server), listener, group);
        client.start();
        listener.expectStates(CONNECTING, CONNECTED, FULLY_BOOTED);
        CompletableFuture<AmiResponse> f = client.send(AmiMessage.of("Action", "QueueStatus"));
        awaitTrue(() -> server.count("QueueStatus") == 1, "action sent");
        client.close();
        assertEquals(AmiActionException.Reason.DISCONNECTED, failure(f).reason());
        awaitTrue(() -> server.count("Logoff") == 1, "Logoff sent");
        assertEquals(0, client.pendingActions());
    }

    // ---- helpers ----

    /** Logback's ListAppender is not thread-safe; the client logs from its event loop while the test reads. */
    static final class LogRecorder extends AppenderBase<ILoggingEvent> {
        final List<ILoggingEvent> list = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        protected void append(ILoggingEvent event) {
            list.add(event);
        }
    }

    private ScriptedAmiServer server(ScriptedAmiServer.Script script) throws Exception {
        ScriptedAmiServer s = new ScriptedAmiServer(script);
        toClose.add(() -> {
            s.close();
            assertEquals(List.of(), s.failures(), "the scripted server's own checks");
        });
        return s;
    }

    private AmiClient client(PbxConfig config, RecordingListener listener) {
        AmiClient c = new AmiClient(config, listener, group);
        toClose.add(c);
        c.start();
        return c;
    }

    static PbxConfig config(ScriptedAmiServer server) {
        return PbxConfig.of("pbx-a", "127.0.0.1", server.port(), "cti", SECRET).withBackoff(50, 500, 60_000);
    }

    static AmiActionException failure(CompletableFuture<AmiResponse> f) throws Exception {
        try {
            f.get(RecordingListener.WAIT_S, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return assertInstanceOf(AmiActionException.class, e.getCause());
        }
        return fail("expected the action to fail");
    }

    static AmiMessage nextMessage(RecordingListener listener, java.util.function.Predicate<AmiMessage> match)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(RecordingListener.WAIT_S);
        while (System.nanoTime() < deadline) {
            synchronized (listener.seen) {
                for (Object o : listener.seen) {
                    if (o instanceof AmiMessage m && match.test(m)) {
                        return m;
                    }
                }
            }
            Thread.sleep(10);
        }
        return fail("no matching message");
    }

    static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(RecordingListener.WAIT_S);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting: " + what);
            }
            Thread.sleep(5);
        }
    }

    static String md5Hex(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8)));
    }
}
