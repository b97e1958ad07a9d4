package io.ctiserver.server.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ctiserver.ami.AmiLinkState;
import io.ctiserver.ami.AmiMessage;
import io.ctiserver.ami.AmiResponse;
import io.ctiserver.events.AgentStateChanged;
import io.ctiserver.events.CallEnded;
import io.ctiserver.events.CallView;
import io.ctiserver.server.ami.AmiClient;
import io.ctiserver.server.config.ServerConfig;
import io.ctiserver.server.run.CtiServer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * The server against a real Asterisk 20/22 with {@code dialplans/} loaded (opt-in: {@code mvn -B -Plive verify -pl
 * cti-server -am} with {@code CTI_LIVE_AMI=host:port}, {@code CTI_LIVE_AMI_USER}, {@code CTI_LIVE_AMI_SECRET}; the
 * Asterisk's {@code CTI_AGI} global must point at this machine's {@code CTI_LIVE_AGI_PORT}, default 4573). Without
 * {@code CTI_LIVE_AMI} JUnit reports every test here as not run, with that reason.
 *
 * <p>Calls are placed with Asterisk's own Local channels (no SIP phone needed) and judged by the events Asterisk
 * emits. Covered: the AMI login and resync, an inbound call through the IVR and the routing AGI into its queue with
 * the routing data on the call, a member's pause and unpause, click-to-dial accepted by Asterisk. Not covered yet
 * (they need an agent that answers: a registered phone or a Local-channel agent context): hold/unhold, blind and
 * attended transfer, conference, recording, listen/whisper/barge.
 */
@EnabledIfEnvironmentVariable(named = "CTI_LIVE_AMI", matches = ".+:[0-9]+",
        disabledReason = "not run: set CTI_LIVE_AMI=host:port (and CTI_LIVE_AMI_USER, CTI_LIVE_AMI_SECRET) to a "
                + "real Asterisk with dialplans/ loaded; see dialplans/README.md")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LiveAsteriskIT {

    private static CtiServer server;
    private static final List<Object> events = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        String[] hostPort = System.getenv("CTI_LIVE_AMI").split(":");
        ObjectNode root = ServerConfig.mapper().createObjectNode();
        ObjectNode pbx = root.putObject("pbx").putArray("servers").addObject();
        pbx.put("id", "live").put("host", hostPort[0]).put("port", Integer.parseInt(hostPort[1]))
                .put("username", env("CTI_LIVE_AMI_USER", "cti")).put("secret", env("CTI_LIVE_AMI_SECRET", ""))
                .put("md5", true);
        root.putObject("agi").put("port", Integer.parseInt(env("CTI_LIVE_AGI_PORT", "4573")));
        root.putObject("gateway").put("port", 0).put("defaultPbx", "live");
        root.putObject("routing").put("defaultQueue", "support").putArray("ivrVariables").add("IVR_CHOICE");
        server = CtiServer.start(ServerConfig.of(root));
        server.tracker("live").addListener(events::add);
        awaitTrue(() -> server.amiClient("live").state() == AmiLinkState.FULLY_BOOTED, Duration.ofSeconds(30),
                "the AMI link to " + System.getenv("CTI_LIVE_AMI") + " is up and fully booted");
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }

    private static AmiResponse send(String... keysAndValues) throws Exception {
        return server.amiClient("live").send(AmiMessage.of(keysAndValues)).get(10, TimeUnit.SECONDS);
    }

    @Test
    @Order(1)
    void theResyncSeesAsterisksQueues() throws Exception {
        awaitTrue(() -> server.state().queues().stream().anyMatch(q -> q.name().equals("support")),
                Duration.ofSeconds(15), "queue support from QueueStatus (queues.conf loaded)");
    }

    @Test
    @Order(2)
    void anInboundCallIsRoutedAndQueuedWithItsRoutingData() throws Exception {
        // the ;2 half runs [incoming] 5000 like a trunk call: IVR (times out), routing AGI, queue
        AmiResponse r = send("Action", "Originate", "Channel", "Local/5000@incoming", "Application", "Wait",
                "Data", "40", "CallerID", "\"Live Test\" <5551001>", "Async", "true");
        assertTrue(r.isSuccess(), r.toString());
        awaitTrue(() -> server.state().calls().stream().anyMatch(c -> "support".equals(c.queue())
                        && c.data().containsKey("CTI_QUEUE")), Duration.ofSeconds(30),
                "the call queued in support with CTI_* data from the routing AGI");
        CallView call = server.state().calls().stream().filter(c -> "support".equals(c.queue())).findFirst()
                .orElseThrow();
        assertEquals("support", call.data().get("CTI_QUEUE"), call.toString());
        send("Action", "Hangup", "Channel", "/^Local\\/5000@incoming-.*$/");
        awaitTrue(() -> events.stream().anyMatch(e -> e instanceof CallEnded ce
                && ce.record().callId().equals(call.callId())), Duration.ofSeconds(15), "the call's end");
    }

    @Test
    @Order(3)
    void pauseAndUnpauseAMember() throws Exception {
        String iface = "PJSIP/agent1";
        assertTrue(send("Action", "QueuePause", "Interface", iface, "Paused", "true", "Reason", "live test")
                .isSuccess());
        awaitTrue(() -> events.stream().anyMatch(e -> e instanceof AgentStateChanged a
                && a.agent().iface().equals(iface) && a.agent().state() == io.ctiserver.events.AgentState.PAUSED),
                Duration.ofSeconds(10), "the tracker saw the pause");
        assertTrue(send("Action", "QueuePause", "Interface", iface, "Paused", "false").isSuccess());
    }

    @Test
    @Order(4)
    void clickToDialIsAcceptedByAsterisk() throws Exception {
        // the agent's device is a Local channel here: rings [from-agents] 600 (the support queue) and dials 209
        AmiResponse r = send("Action", "Originate", "Channel", "Local/600@from-agents", "Context", "from-agents",
                "Exten", "209", "Priority", "1", "Timeout", "5000", "Async", "true");
        assertTrue(r.isSuccess(), r.toString());
    }

    private static void awaitTrue(BooleanSupplier condition, Duration timeout, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            Thread.sleep(100);
        }
    }

}
