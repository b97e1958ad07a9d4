package io.ctiserver.server.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ctiserver.ami.AmiMessage;
import io.ctiserver.server.config.ServerConfig;
import io.ctiserver.server.sim.PbxSimulator;
import io.ctiserver.server.sim.SimConfig;
import io.ctiserver.server.wrapup.WrapUp;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The server's wrap-up over real sockets, against the simulator with the shipped queues' {@code wrapuptime = 0}: an
 * answered sales call ends in a QueuePause with the wrap-up reason in every queue, the agent's desktop shows wrap-up,
 * and the server unpauses after the queue's seconds; {@code wrapup.end} ends it early; a break the agent takes during
 * the wrap-up is left alone; and a server that starts while a member is in the wrap-up pause ends it.
 */
class WrapUpEndToEndTest {

    private static final String PASSWORD = "wrap-pass";
    private static final String AGENT = "Local/203@agents/n";
    private static final int SALES_SECONDS = 4;
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static CtiServer server;
    private static PbxSimulator sim;

    private static ObjectNode config(int defaultSeconds, Map<String, Integer> queues) {
        ObjectNode root = DemoServers.withPassword(DemoServers.config(), PASSWORD);
        ObjectNode wrapUp = root.putObject("wrapUp").put("seconds", defaultSeconds);
        queues.forEach(wrapUp.putObject("queues")::put);
        return root;
    }

    @BeforeAll
    static void start() throws Exception {
        server = DemoServers.start(config(60, Map.of("sales", SALES_SECONDS)));
        sim = server.simulator();
        sim.setAgentBehaviour("Local/204@agents/n", "noanswer", 600); // 203 takes every sales call
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static JsonNode command(DesktopClient d, Map<String, Object> fields) throws Exception {
        return d.command(fields, WAIT);
    }

    /** The next agent.state of 203 with {@code state}. */
    private static JsonNode awaitState(DesktopClient d, String state) throws InterruptedException {
        return d.await(f -> f.path("type").asText().equals("agent.state")
                        && AGENT.equals(f.path("payload").path("agent").path("iface").asText())
                        && state.equals(f.path("payload").path("agent").path("state").asText()),
                WAIT, "agent 203 " + state);
    }

    private static List<AmiMessage> pausesOf203Since(int from) {
        List<AmiMessage> all = sim.receivedActions();
        return all.subList(from, all.size()).stream()
                .filter(m -> "QueuePause".equals(m.action()) && AGENT.equals(m.get("Interface"))).toList();
    }

    /** A sales call that 203 answers and talks for a second; returns when 203 is in wrap-up. */
    private static JsonNode salesCallEndsInWrapUp(DesktopClient desk) throws InterruptedException {
        sim.placeInboundCall("5551009", "6000", "1", 1, 0);
        awaitState(desk, "on_call");
        return awaitState(desk, "wrap_up");
    }

    private static boolean pausedInSim(String queue) {
        return sim.stateTruth().members().get(queue).get(AGENT);
    }

    @Test
    void anAnsweredCallEndsInAWrapUpPauseThatTheServerEndsAfterTheQueuesSeconds() throws Exception {
        try (DesktopClient desk = DesktopClient.login(server.gateway().port(), "agent203", PASSWORD)) {
            int before = sim.receivedActions().size();
            JsonNode wrapUp = salesCallEndsInWrapUp(desk);
            long wrapUpAt = System.nanoTime();
            assertEquals("wrap-up", wrapUp.path("payload").path("agent").path("pausedReason").asText(),
                    wrapUp.toString());
            AmiMessage pause = pausesOf203Since(before).get(0);
            assertEquals("true", pause.get("Paused"));
            assertEquals("wrap-up", pause.get("Reason"));
            assertNull(pause.get("Queue"), "every queue of the member: " + pause);
            assertTrue(pausedInSim("sales"), "app_queue (the simulator) holds the pause");

            awaitState(desk, "available");
            double seconds = (System.nanoTime() - wrapUpAt) / 1e9;
            assertTrue(seconds > SALES_SECONDS - 1.5 && seconds < SALES_SECONDS + 10,
                    "the wrap-up lasted the sales queue's " + SALES_SECONDS + " s, not the default 60: " + seconds);
            List<AmiMessage> pauses = pausesOf203Since(before);
            assertEquals(2, pauses.size(), pauses.toString());
            assertEquals("false", pauses.get(1).get("Paused"));
            assertEquals(WrapUp.END_REASON, pauses.get(1).get("Reason"));
            assertTrue(!pausedInSim("sales"), "unpaused at the PBX");
        }
    }

    @Test
    void endWrapUpEndsItEarlyAndTheTimerThenSendsNothing() throws Exception {
        try (DesktopClient desk = DesktopClient.login(server.gateway().port(), "agent203", PASSWORD)) {
            int before = sim.receivedActions().size();
            salesCallEndsInWrapUp(desk);
            assertTrue(command(desk, Map.of("command", "wrapup.end")).path("ok").asBoolean());
            awaitState(desk, "available");
            Thread.sleep((SALES_SECONDS + 2) * 1000L);
            List<String> sent = pausesOf203Since(before).stream().map(m -> m.get("Paused") + ":" + m.get("Reason"))
                    .toList();
            assertEquals(List.of("true:wrap-up", "false:wrap-up ended"), sent,
                    "the pause, End wrap-up's unpause, and no unpause from the timer");
        }
    }

    @Test
    void aBreakTakenDuringTheWrapUpIsNotUndoneByTheTimer() throws Exception {
        try (DesktopClient desk = DesktopClient.login(server.gateway().port(), "agent203", PASSWORD)) {
            int before = sim.receivedActions().size();
            salesCallEndsInWrapUp(desk);
            assertTrue(command(desk, Map.of("command", "pause", "reason", "Lunch")).path("ok").asBoolean());
            JsonNode lunch = awaitState(desk, "paused");
            assertEquals("Lunch", lunch.path("payload").path("agent").path("pausedReason").asText());
            Thread.sleep((SALES_SECONDS + 2) * 1000L);
            assertTrue(pausedInSim("sales"), "still on the break after the wrap-up's time");
            List<String> sent = pausesOf203Since(before).stream().map(m -> m.get("Paused") + ":" + m.get("Reason"))
                    .toList();
            assertEquals(List.of("true:wrap-up", "true:Lunch"), sent, "no unpause by the timer");
            assertTrue(command(desk, Map.of("command", "unpause")).path("ok").asBoolean());
            awaitState(desk, "available");
        }
    }

    @Test
    void aServerStartingWhileAMemberIsInTheWrapUpPauseEndsIt() throws Exception {
        // The first server has no wrap-up of its own (DemoServers' default); it pauses 201 as a crashed server's
        // wrap-up would have left it. The second, started afterwards on the same PBX, finds 201 so.
        try (CtiServer pbxHost = DemoServers.start(DemoServers.withPassword(DemoServers.config(), PASSWORD))) {
            PbxSimulator pbx = pbxHost.simulator();
            String iface = "Local/201@agents/n";
            io.ctiserver.ami.AmiResponse paused = pbxHost.amiClient(CtiServer.DEMO_PBX).send(AmiMessage.of(
                    "Action", "QueuePause", "Interface", iface, "Paused", "true", "Reason", "wrap-up"))
                    .get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertTrue(paused.isSuccess(), paused.message());
            assertTrue(pbx.stateTruth().members().get("support").get(iface));

            ObjectNode restarted = config(5, Map.of()); // time for the desktop to log in first
            restarted.remove("sim");
            SimConfig.User user = pbx.config().users().get(0);
            restarted.putObject("pbx").putArray("servers").addObject().put("id", CtiServer.DEMO_PBX)
                    .put("host", "127.0.0.1").put("port", pbx.amiPort()).put("username", user.name())
                    .put("secret", user.secret());
            int before = pbx.receivedActions().size();
            try (CtiServer second = DemoServers.start(restarted);
                 DesktopClient desk = DesktopClient.login(second.gateway().port(), "agent201", PASSWORD)) {
                JsonNode available = desk.await(f -> f.path("type").asText().equals("agent.state")
                        && iface.equals(f.path("payload").path("agent").path("iface").asText())
                        && "available".equals(f.path("payload").path("agent").path("state").asText()), WAIT,
                        "201 available again");
                assertEquals("wrap_up", available.path("payload").path("previous").asText(), available.toString());
                List<AmiMessage> all = pbx.receivedActions();
                List<String> sent = all.subList(before, all.size()).stream()
                        .filter(m -> "QueuePause".equals(m.action()) && iface.equals(m.get("Interface")))
                        .map(m -> m.get("Paused") + ":" + m.get("Reason")).toList();
                assertEquals(List.of("false:" + WrapUp.END_REASON), sent);
                assertTrue(!pbx.stateTruth().members().get("support").get(iface));
            }
        }
    }

    @Test
    void theBundledDemoTurnsTheWrapUpOn() throws Exception {
        try (InputStream in = getClass().getResourceAsStream(ServerConfig.DEMO_RESOURCE)) {
            JsonNode demo = ServerConfig.mapper().readTree(in).path("wrapUp");
            assertTrue(demo.path("seconds").asInt() >= 20, demo.toString());
            assertEquals(30, demo.path("queues").path("sales").asInt(), demo.toString());
        }
    }
}
