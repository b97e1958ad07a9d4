package io.ctiserver.server.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.ctiserver.events.AgentState;
import io.ctiserver.events.AgentStateChanged;
import io.ctiserver.events.AgentView;
import io.ctiserver.server.gateway.session.DesktopSession;
import io.ctiserver.server.gateway.session.OutboundBudget;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The desktops' global outbound budget ({@code gateway.outboundBudgetBytes}): desktops that never read (raw sockets
 * with a 4 KB receive buffer) hold unwritten frames; when all of them together pass the budget, the one holding the
 * most is closed as not reading, with the reason, well before its own 1 MiB cap, and only that one; a desktop that
 * reads gets every event and the fan-out never drops one.
 */
class GatewayOutboundBudgetTest {

    static final long BUDGET = 1_280 << 10; // 1.25 MiB: above one desktop's 1 MiB cap, below two desktops' worth
    static final String BIG = "x".repeat(30_000);

    @Test
    void theDesktopHoldingTheMostIsCutWhenAllTogetherPassTheBudget() throws Exception {
        GatewayConfig config = new GatewayConfig("127.0.0.1", 0, null, null, Fixture.users(), 0, null, 0, 100_000, 0,
                0, 0, 0, 0, 0, 0, "pbx1", null).withOutboundBudgetBytes(BUDGET);
        List<Socket> stuck = new ArrayList<>();
        try (Fixture f = new Fixture(config);
             WsClient healthy = f.desktop("admin")) {
            OutboundBudget budget = f.gateway.sessions().outboundBudget();
            assertEquals(BUDGET, budget.limitBytes());
            int[] pushed = {0};

            // Agent 201's desktop stops reading and fills up with Agent 201's own events (the admin reads them too).
            DesktopSession a = stuckDesktop(f, "agent201", Set.of(), stuck);
            push(f, healthy, pushed, Fixture.AGENT_201, () -> a.pendingBytes() >= 900 << 10 || a.closeReason() != null);
            assertNull(a.closeReason(), "agent201 held " + a.pendingBytes() + " bytes under its 1 MiB cap");
            long heldByA = a.pendingBytes();

            // Two supervisor desktops stop reading too and fill up with Agent 202's events, which agent201 does not
            // get. Once the three pass the budget, the one holding the most is cut: agent201's as a rule (it is not
            // written to any more, but holds the most), unless the kernel's growing send buffers took part of it.
            DesktopSession b = stuckDesktop(f, "sup", Set.of(), stuck);
            DesktopSession c = stuckDesktop(f, "sup", Set.of(b), stuck);
            List<DesktopSession> three = List.of(a, b, c);
            push(f, healthy, pushed, Fixture.AGENT_202, () -> three.stream().anyMatch(s -> s.closeReason() != null));
            List<DesktopSession> cut = three.stream().filter(s -> s.closeReason() != null).toList();
            assertEquals(1, cut.size(), "only the largest is cut");
            String reason = cut.get(0).closeReason();
            assertTrue(reason.contains("outbound budget") && reason.contains("not reading"), reason);
            Matcher held = Pattern.compile("held the most unwritten \\((\\d+) KiB\\)").matcher(reason);
            assertTrue(held.find(), reason);
            long heldBytes = Long.parseLong(held.group(1)) << 10;
            for (DesktopSession other : three) {
                // the others held less then; since, one event (30 KB) more at most
                assertTrue(other == cut.get(0) || other.pendingBytes() <= heldBytes + (31 << 10), "cut " + reason
                        + " while another holds " + other.pendingBytes());
            }
            System.out.printf("GatewayOutboundBudgetTest: agent201 held %d KiB when the others started, cut: %s%n",
                    heldByA >> 10, cut.get(0).user().username());
            await(() -> budget.pendingBytes() <= BUDGET, "the cut desktop's frames released");
            assertEquals(1, budget.cuts());

            // Going on, the other two are cut in turn (by the budget or their own cap), never the reader.
            push(f, healthy, pushed, Fixture.AGENT_202, () -> b.closeReason() != null && c.closeReason() != null);
            assertTrue(b.closeReason().contains("not reading") && c.closeReason().contains("not reading"));
            if (a.closeReason() == null) {
                assertTrue(a.attached(), "agent201's desktop is still attached: it was never cut");
            }
            assertNull(f.gateway.sessions().all().stream().filter(s -> s.user().username().equals("admin"))
                    .findFirst().orElseThrow().closeReason(), "the desktop that reads was never cut");
            assertEquals(0, f.gateway.fanout().dropped(), "the fan-out never dropped an event");
            await(() -> budget.pendingBytes() == (a.closeReason() == null ? a.pendingBytes() : 0),
                    "every cut desktop's frames released");
            System.out.printf("GatewayOutboundBudgetTest: %d events of 30 KB; cut: %s / %s / %s%n", pushed[0],
                    a.closeReason(), b.closeReason(), c.closeReason());
        } finally {
            for (Socket s : stuck) {
                s.close();
            }
        }
    }

    /**
     * Pushes 30 KB pause events of {@code agent} one at a time until {@code done}; the admin's desktop reads each, in
     * order, before the next.
     */
    private static void push(Fixture f, WsClient healthy, int[] pushed, String agent, BooleanSupplier done)
            throws Exception {
        for (int n = 0; !done.getAsBoolean(); n++) {
            assertTrue(n < 5_000, "still not done after " + pushed[0] + " events");
            f.gateway.onEvent(pause(agent, ++pushed[0]));
            JsonNode e = healthy.next("agent.state");
            assertEquals(BIG + pushed[0], e.get("payload").get("agent").get("pausedReason").asText());
        }
    }

    static AgentStateChanged pause(String iface, int i) {
        AgentView v = new AgentView("pbx1", iface, "Agent", AgentState.PAUSED, BIG + i, List.of("support"), null,
                Instant.parse("2026-11-23T10:00:00Z").plusSeconds(i));
        return new AgentStateChanged("pbx1", v.since(), v, AgentState.AVAILABLE);
    }

    /** A raw WebSocket of {@code user} that upgrades, then never reads again; its session (not one of {@code not}). */
    private static DesktopSession stuckDesktop(Fixture f, String user, Set<DesktopSession> not, List<Socket> keep)
            throws Exception {
        Socket s = new Socket();
        keep.add(s);
        s.setReceiveBufferSize(4096);
        s.connect(new InetSocketAddress("127.0.0.1", f.port()));
        OutputStream out = s.getOutputStream();
        out.write(("GET /ws?token=" + f.login(user) + " HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: "
                + Base64.getEncoder().encodeToString("0123456789abcdef".getBytes()) + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = s.getInputStream();
        ByteArrayOutputStream h = new ByteArrayOutputStream();
        while (!h.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n") && h.size() < 4096) {
            int ch = in.read();
            if (ch < 0) {
                break;
            }
            h.write(ch);
        }
        assertTrue(h.toString(StandardCharsets.US_ASCII).startsWith("HTTP/1.1 101"), h.toString());
        DesktopSession[] found = {null};
        await(() -> (found[0] = f.gateway.sessions().all().stream().filter(x -> x.user().username().equals(user)
                && x.attached() && !not.contains(x)).findFirst().orElse(null)) != null, user + "'s session");
        return found[0];
    }

    private static void await(BooleanSupplier c, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!c.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what);
            Thread.sleep(5);
        }
    }
}
