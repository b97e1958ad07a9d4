package io.ctiserver.server.storage.reports;

import static io.ctiserver.server.storage.reports.MediumReportTest.FIFTEEN;
import static io.ctiserver.server.storage.reports.MediumReportTest.T0;
import static io.ctiserver.server.storage.reports.MediumReportTest.agent;
import static io.ctiserver.server.storage.reports.MediumReportTest.await;
import static io.ctiserver.server.storage.reports.MediumReportTest.find;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ctiserver.contact.Medium;
import io.ctiserver.server.storage.Row;
import io.ctiserver.server.storage.Storage;
import io.ctiserver.server.storage.StorageConfig;
import io.ctiserver.server.storage.testing.Rows;
import io.ctiserver.server.storage.testing.TestDatabases;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Stored occupancy per medium (migration V5): the omnichannel router's stretches ({@code agent_media}) united with the
 * voice states ({@code agent_states}) per agent, so that an agent on a call and two chats at once is busy once, over
 * staffed time on any medium; on a real H2 and a real PostgreSQL.
 */
class MediaOccupancyTest {

    @TempDir
    Path dir;

    static long at(int minute) {
        return T0.plus(Duration.ofMinutes(minute)).toEpochMilli();
    }

    /**
     * agent1 (PJSIP/a1): calls staffed 10:00-10:10 (on a call 10:02-10:06, wrap-up to 10:07), paused after; for
     * contacts ready 10:00-10:12, holding chats 10:03-10:08 (two at once in 10:05-10:08, with an email) and one more
     * chat 10:12-10:13 while not ready. agent9 (no interface): an email 10:00-10:10, ready to 10:20 (the next interval).
     */
    static List<Row> rows() {
        return List.of(
                new Row.AgentInterval("pbx", "PJSIP/a1", "A1", "available", null, null, at(0), at(2)),
                new Row.AgentInterval("pbx", "PJSIP/a1", "A1", "on_call", null, null, at(2), at(6)),
                new Row.AgentInterval("pbx", "PJSIP/a1", "A1", "wrap_up", null, "support", at(6), at(7)),
                new Row.AgentInterval("pbx", "PJSIP/a1", "A1", "available", null, null, at(7), at(10)),
                new Row.AgentInterval("pbx", "PJSIP/a1", "A1", "paused", "lunch", null, at(10), at(15)),
                new Row.AgentMedia("agent1", true, false, false, at(0), at(3)),
                new Row.AgentMedia("agent1", true, true, false, at(3), at(5)),
                new Row.AgentMedia("agent1", true, true, true, at(5), at(8)),
                new Row.AgentMedia("agent1", true, false, false, at(8), at(12)),
                new Row.AgentMedia("agent1", false, true, false, at(12), at(13)),
                new Row.AgentMedia("agent9", true, false, true, at(0), at(10)),
                new Row.AgentMedia("agent9", true, false, false, at(10), at(20)),
                Rows.call("v1", "5551001", "support", "PJSIP/a1", "answered", 10, 240, T0.plusSeconds(420)),
                Rows.contact("ch1", Medium.CHAT, "support", "agent1", "answered", 30, 300, T0.plusSeconds(480)));
    }

    @ParameterizedTest
    @MethodSource("io.ctiserver.server.storage.testing.TestDatabases#both")
    void anAgentBusyOnSeveralMediaAtOnceCountsOnce(TestDatabases kind) throws Exception {
        StorageConfig config = kind.config(dir);
        List<Row> rows = rows();
        try (Storage s = Storage.start(config)) {
            MediumReportTest.wire(s.aggregator());
            rows.forEach(s::offer);
            await(() -> s.writer().written() == rows.size(), "rows written");
            s.aggregator().runAll();

            // agent1: staffed 10:00-10:13 (780 s: the calls' 10:00-10:10 and the contacts' 10:00-10:13 united);
            // busy 10:02-10:08 and 10:12-10:13 (420 s: call, wrap-up, chats and email at once count once);
            // chats 360 s, email 180 s. agent9: staffed 900 s in 10:00, email 600 s.
            List<Map<String, Object>> q = s.reports().intervals(T0, T0.plusMillis(FIFTEEN), null, null, FIFTEEN);
            assertEquals(List.of("voice/null", "voice/support", "chat/null", "chat/support", "email/null"),
                    q.stream().map(r -> r.get("medium") + "/" + r.get("queue")).toList(),
                    "an email row for the time emails were held, though none ended in the interval");
            double staffed = 780 + 900;
            assertEquals(50.0, (Double) find(q, "voice", null).get("occupancyPercent"), 1e-9,
                    "voice as before: (240 + 60) / (120 + 240 + 60 + 180) of the agent states");
            assertEquals(100 * 360 / staffed, (Double) find(q, "chat", null).get("occupancyPercent"), 1e-9);
            assertEquals(100 * (180 + 600) / staffed, (Double) find(q, "email", null).get("occupancyPercent"), 1e-9);
            for (String m : List.of("voice", "chat", "email")) {
                assertEquals(100 * (420 + 600) / staffed, (Double) find(q, m, null).get("anyMediumOccupancyPercent"),
                        1e-9, m + " total row: busy on any medium once / staffed on any medium");
            }
            assertEquals(null, find(q, "chat", "support").get("occupancyPercent"), "not per queue");
            assertEquals(null, find(q, "chat", "support").get("anyMediumOccupancyPercent"));

            // the agent report over the hour: agent9's ready time in 10:15 counts as staffed
            List<Map<String, Object>> agents = s.reports().agents(T0, T0.plus(Duration.ofHours(1)));
            Map<String, Object> a1voice = agent(agents, "PJSIP/a1", "voice");
            assertEquals(50.0, (Double) a1voice.get("occupancyPercent"), 1e-9);
            assertEquals(100 * 420 / 780.0, (Double) a1voice.get("anyMediumOccupancyPercent"), 1e-9);
            assertEquals(780L, a1voice.get("staffedSeconds"));
            Map<String, Object> a1chat = agent(agents, "PJSIP/a1", "chat");
            assertEquals(1L, a1chat.get("handled"));
            assertEquals(100 * 360 / 780.0, (Double) a1chat.get("occupancyPercent"), 1e-9);
            assertEquals(100 * 420 / 780.0, (Double) a1chat.get("anyMediumOccupancyPercent"), 1e-9);
            Map<String, Object> a1email = agent(agents, "PJSIP/a1", "email");
            assertEquals(0L, a1email.get("handled"), "a row for the time held: no email ended");
            assertEquals(100 * 180 / 780.0, (Double) a1email.get("occupancyPercent"), 1e-9);
            Map<String, Object> a9 = agent(agents, "agent9", "email");
            assertEquals("", a9.get("pbx"));
            assertEquals(1200L, a9.get("staffedSeconds"));
            assertEquals(50.0, (Double) a9.get("occupancyPercent"), 1e-9, "600 s of 1,200 s staffed");
            assertEquals(50.0, (Double) a9.get("anyMediumOccupancyPercent"), 1e-9);
            assertTrue(agents.stream().noneMatch(a -> "agent9".equals(a.get("agent")) && !"email".equals(
                    a.get("medium"))), "no chat or voice row for an agent who held neither");
            assertEquals(List.of(a1chat), s.reports().agents(T0, T0.plus(Duration.ofHours(1)), "chat").stream()
                    .filter(a -> a.get("agent").equals("PJSIP/a1")).toList(), "the medium filter");

            // the agent's own interval report: the same figures per interval
            List<Map<String, Object>> a1rows = s.reports().intervals(T0, T0.plus(Duration.ofHours(1)), null,
                    "PJSIP/a1", FIFTEEN);
            assertEquals(List.of("voice", "chat", "email"), a1rows.stream().map(r -> r.get("medium")).toList());
            assertEquals(100 * 360 / 780.0, (Double) a1rows.get(1).get("occupancyPercent"), 1e-9);
            assertEquals(100 * 420 / 780.0, (Double) a1rows.get(2).get("anyMediumOccupancyPercent"), 1e-9);

            // the same rows written again (a journal replayed): upserts on (agent, start), the same figures
            List<Map<String, Object>> before = s.reports().agents(T0, T0.plus(Duration.ofHours(1)));
            long written = s.writer().written();
            rows.forEach(s::offer);
            await(() -> s.writer().written() == written + rows.size(), "rows written again");
            s.aggregator().runAll();
            assertEquals(q, s.reports().intervals(T0, T0.plusMillis(FIFTEEN), null, null, FIFTEEN));
            assertEquals(before, s.reports().agents(T0, T0.plus(Duration.ofHours(1))));
        }
        // a restart: the occupancy is in the tables, not in memory; a late stretch recomputes its interval
        try (Storage s = Storage.start(config)) {
            MediumReportTest.wire(s.aggregator());
            s.offer(new Row.AgentMedia("agent9", false, true, false, at(20), at(25)));
            await(() -> s.writer().written() >= s.writer().accepted(), "row written");
            s.aggregator().runAll();
            List<Map<String, Object>> agents = s.reports().agents(T0, T0.plus(Duration.ofHours(1)));
            assertEquals(1500L, agent(agents, "agent9", "email").get("staffedSeconds"));
            Map<String, Object> a9chat = agent(agents, "agent9", "chat");
            assertEquals(100 * 300 / 1500.0, (Double) a9chat.get("occupancyPercent"), 1e-9);
            assertEquals(100 * 900 / 1500.0, (Double) a9chat.get("anyMediumOccupancyPercent"), 1e-9);
            assertEquals(780L, agent(agents, "PJSIP/a1", "voice").get("staffedSeconds"));
        }
    }

    /** The stretches come from the router's load changes; one that changes nothing is no new stretch. */
    @org.junit.jupiter.api.Test
    void loadChangesBecomeStretches() {
        List<Row> out = new ArrayList<>();
        io.ctiserver.server.storage.AgentMediaListener l = new io.ctiserver.server.storage.AgentMediaListener(
                out::add);
        l.load(load(true, 0, 0, 0), T0);
        l.load(load(true, 0, 1, 0), T0.plusSeconds(60));
        l.load(load(true, 1, 2, 0), T0.plusSeconds(90)); // a call and a second chat: still "holding a chat"
        l.load(load(true, 0, 2, 1), T0.plusSeconds(120));
        l.load(load(false, 0, 0, 0), T0.plusSeconds(300));
        l.load(load(false, 0, 0, 0), T0.plusSeconds(400)); // idle: nothing more
        assertEquals(List.of(
                new Row.AgentMedia("agent1", true, false, false, at(0), at(1)),
                new Row.AgentMedia("agent1", true, true, false, at(1), at(2)),
                new Row.AgentMedia("agent1", true, true, true, at(2), at(5))), out);

        // ready from 10:10 on: the open stretch is cut at 10:15 on the first tick after it, and goes on from there
        out.clear();
        l.load(load(true, 0, 0, 0), T0.plus(Duration.ofMinutes(10)));
        l.tick(T0.plus(Duration.ofMinutes(15)).minusMillis(1));
        assertEquals(List.of(), out, "the interval has not ended");
        l.tick(T0.plus(Duration.ofMinutes(15)).plusMillis(400));
        l.tick(T0.plus(Duration.ofMinutes(15)).plusMillis(1400));
        assertEquals(List.of(new Row.AgentMedia("agent1", true, false, false, at(10), at(15))), out, "cut once");
        l.load(load(false, 0, 0, 0), T0.plus(Duration.ofMinutes(20)));
        assertEquals(new Row.AgentMedia("agent1", true, false, false, at(15), at(20)), out.get(1));
        l.tick(T0.plus(Duration.ofMinutes(31)));
        assertEquals(2, out.size(), "an idle agent has no stretch to cut");
    }

    private static io.ctiserver.contact.AgentLoad load(boolean ready, int voice, int chat, int email) {
        return new io.ctiserver.contact.AgentLoad("agent1", null, List.of("support"), ready,
                new io.ctiserver.contact.Capacity(1, 3, 5), new io.ctiserver.contact.Capacity(voice, chat, email),
                false, T0);
    }
}
