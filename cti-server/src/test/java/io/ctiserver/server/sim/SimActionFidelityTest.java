package io.ctiserver.server.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.ctiserver.ami.AmiHeader;
import io.ctiserver.ami.AmiMessage;
import io.ctiserver.server.ami.codec.AmiDecoder;
import io.ctiserver.testing.Captures;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Replays the actions a real client sent in captures 01, 04, 05 and 12 ({@code *.sent.txt}, same ActionIDs) to the
 * simulator and compares the answers with what Asterisk 22 answered: for every action, the response (Response,
 * Message, field list); the events carrying its ActionID (names in order, field lists); and the member, recording,
 * spy and session events (field lists). Values that depend on the moment (counters, times, ids) are not compared.
 *
 * <p>Not simulated, so skipped: {@code PJSIPShowEndpoints} (capture 05; the simulator has no PJSIP endpoint
 * registry).
 */
class SimActionFidelityTest {

    private static final Set<String> SKIPPED = Set.of("pjsipshowendpoints");
    private static final Set<String> STATE_EVENTS = Set.of("QueueMemberPause", "QueueMemberAdded",
            "QueueMemberPenalty", "QueueMemberRinginuse", "QueueMemberRemoved", "MixMonitorStart", "MixMonitorStop",
            "ChanSpyStart", "ChanSpyStop", "FullyBooted", "SuccessfulAuth");
    private static final Pattern CHANNEL = Pattern.compile("(Local/[^-;, ]+)-[0-9a-f]{8}(;[12])");

    @Test
    void loginPingSettingsEventsLogoffLikeCapture01() throws Exception {
        replay("01_banner_login_ping");
    }

    @Test
    void queueMemberActionsLikeCapture04() throws Exception {
        replay("04_queue_member_pause_add_remove");
    }

    @Test
    void statusActionsDuringACallLikeCapture05() throws Exception {
        replay("05_status_actions_during_call");
    }

    @Test
    void mixMonitorAndChanSpyLikeCapture12() throws Exception {
        replay("12_mixmonitor_and_chanspy_during_call");
    }

    private void replay(String capture) throws Exception {
        List<AmiMessage> actions = decode(capture + ".sent.txt", false);
        List<AmiMessage> real = decode(capture + ".txt", true);
        List<AmiMessage> got;
        List<String> compared = new ArrayList<>();
        try (TestFastAgiServer agi = TestFastAgiServer.replayingCapture("CTI_ROUTE", "support")) {
            PbxSimulator sim = PbxSimulator.start(SimTestConfigs.quiet(20).withAgi("127.0.0.1", agi.port(), 5000));
            try (TestAmiClient c = new TestAmiClient(sim.amiPort())) {
                c.banner();
                for (AmiMessage a : actions) {
                    String name = a.action().toLowerCase();
                    if (SKIPPED.contains(name)) {
                        continue;
                    }
                    compared.add(a.actionId());
                    AmiMessage sent = substitute(a, sim.channels());
                    c.channel.writeAndFlush(sent);
                    String id = a.actionId();
                    AmiMessage r = c.next(m -> m.isResponse() && id.equals(m.actionId()));
                    if ("start".equals(r.get("EventList"))) {
                        c.next(m -> id.equals(m.actionId()) && "Complete".equals(m.get("EventList")));
                    }
                    if (name.equals("originate")) {
                        // the capture's client acted once the call had settled: connected, or the spy started
                        String app = a.get("Application", "");
                        c.event(a.get("Data", "").contains("ChanSpy") || app.equals("ChanSpy")
                                ? "ChanSpyStart" : "AgentConnect");
                    }
                    if (name.equals("hangup") && capture.startsWith("12")) {
                        c.event("ChanSpyStop");
                    }
                    if (name.equals("logoff")) {
                        c.awaitClose();
                    }
                }
                got = c.received;
            } finally {
                sim.stop();
            }
        }
        for (String id : compared) {
            AmiMessage want = response(real, id);
            AmiMessage have = response(got, id);
            assertNotNull(have, "response to " + id);
            assertEquals(want.response(), have.response(), id + " Response");
            if (!"Ping".equals(want.get("Ping"))) {
                assertEquals(want.get("Message"), have.get("Message"), id + " Message");
            }
            assertEquals(keys(want), keys(have), id + " response fields");
            List<AmiMessage> wantList = listEvents(real, id);
            List<AmiMessage> haveList = listEvents(got, id);
            assertEquals(wantList.stream().map(AmiMessage::eventName).distinct().toList(),
                    haveList.stream().map(AmiMessage::eventName).distinct().toList(), id + " list event names");
            assertEquals(byName(wantList), byName(haveList), id + " list event fields");
        }
        Map<String, List<String>> wantState = byName(real.stream()
                .filter(m -> m.isEvent() && STATE_EVENTS.contains(m.eventName())).toList());
        Map<String, List<String>> haveState = byName(got.stream()
                .filter(m -> m.isEvent() && STATE_EVENTS.contains(m.eventName())).toList());
        assertEquals(wantState, haveState, "member, recording, spy and session events");
    }

    private static AmiMessage substitute(AmiMessage a, List<String> live) {
        AmiMessage.Builder b = AmiMessage.builder();
        for (AmiHeader h : a.headers()) {
            Matcher m = CHANNEL.matcher(h.value());
            StringBuilder sb = new StringBuilder();
            while (m.find()) {
                String base = m.group(1);
                String suffix = m.group(2);
                String simName = live.stream().filter(n -> n.startsWith(base + "-") && n.endsWith(suffix))
                        .findFirst().orElse(m.group());
                m.appendReplacement(sb, Matcher.quoteReplacement(simName));
            }
            m.appendTail(sb);
            b.add(h.key(), sb.toString());
        }
        return b.build();
    }

    private static AmiMessage response(List<AmiMessage> msgs, String id) {
        return msgs.stream().filter(m -> m.isResponse() && !m.isEvent() && id.equals(m.actionId())).findFirst()
                .orElse(null);
    }

    private static List<AmiMessage> listEvents(List<AmiMessage> msgs, String id) {
        return msgs.stream().filter(m -> m.isEvent() && id.equals(m.actionId())
                && !"OriginateResponse".equals(m.eventName())).toList();
    }

    /** For each event name, the field list of its first occurrence. */
    private static Map<String, List<String>> byName(List<AmiMessage> msgs) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (AmiMessage m : msgs) {
            out.putIfAbsent(m.eventName(), keys(m));
        }
        return new java.util.TreeMap<>(out);
    }

    private static List<String> keys(AmiMessage m) {
        return m.headers().stream().map(AmiHeader::key).collect(Collectors.toList());
    }

    private static List<AmiMessage> decode(String file, boolean banner) {
        EmbeddedChannel ch = new EmbeddedChannel(new AmiDecoder(banner));
        ch.writeInbound(Unpooled.wrappedBuffer(Captures.bytes(file)));
        List<AmiMessage> out = new ArrayList<>();
        Object o;
        while ((o = ch.readInbound()) != null) {
            if (o instanceof AmiMessage m) {
                out.add(m);
            }
        }
        ch.finishAndReleaseAll();
        return out;
    }
}
