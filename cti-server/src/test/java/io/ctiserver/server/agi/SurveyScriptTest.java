package io.ctiserver.server.agi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ctiserver.routing.survey.InMemorySurveyStore;
import io.ctiserver.routing.survey.SurveyResponse;
import io.ctiserver.server.agi.bench.AgiLoadClient;
import io.ctiserver.server.agi.connector.JsonLinesSurveyStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The post-call survey over real TCP: GET DATA answers from a fake Asterisk. */
class SurveyScriptTest {

    static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");

    final InMemorySurveyStore store = new InMemorySurveyStore(100);
    FastAgiServer server;

    @BeforeEach
    void start() throws Exception {
        server = new FastAgiServer(AgiConfig.defaults().withPort(0).withBindAddress("127.0.0.1"),
                List.of(new SurveyScript(store, "cti-survey", 4000, Clock.fixed(NOW, ZoneOffset.UTC))));
        server.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    static String env(String... args) {
        StringBuilder sb = new StringBuilder(AgiLoadClient.envBlock("survey", 7, "5000", "5551001")
                .replaceAll("agi_arg_\\d: .*\\n", ""));
        sb.setLength(sb.length() - 1);
        for (int i = 0; i < args.length; i++) {
            sb.append("agi_arg_").append(i + 1).append(": ").append(args[i]).append('\n');
        }
        return sb.append('\n').toString();
    }

    FakeAsterisk.Dialog run(String env, String... digits) throws Exception {
        Deque<String> answers = new ArrayDeque<>(List.of(digits));
        try (FakeAsterisk a = new FakeAsterisk(server.port())) {
            a.channelVariables.put("CTI_CALL_ID", "1795458467.0");
            a.channelVariables.put("MEMBERINTERFACE", "Local/201@agents/n");
            a.channelVariables.put("MEMBERNAME", "Agent 201");
            a.override = c -> c.startsWith("GET DATA ")
                    ? List.of(answers.isEmpty() ? "200 result= (timeout)" : "200 result=" + answers.poll()) : null;
            return a.run(env);
        }
    }

    @Test
    void aDigitFromOneToFiveIsStoredWithCallAndAgent() throws Exception {
        FakeAsterisk.Dialog d = run(env("1795458467.0", "PJSIP/agent1", "SIP Agent 1"), "4");
        assertTrue(d.commands().contains("GET DATA \"cti-survey\" 4000 1"), d.commands().toString());
        assertEquals("4", d.variables().get("CTI_SURVEY_SCORE"));
        assertEquals(List.of(new SurveyResponse("1795458467.0", "PJSIP/agent1", "SIP Agent 1", "5551001", 4, NOW)),
                store.all());
        assertEquals(100.0, store.csat().percent(), 1e-9);
    }

    @Test
    void missingArgumentsAreReadFromTheChannel() throws Exception {
        FakeAsterisk.Dialog d = run(env(), "2");
        assertTrue(d.commands().contains("GET VARIABLE \"MEMBERINTERFACE\""), d.commands().toString());
        SurveyResponse r = store.all().get(0);
        assertEquals("1795458467.0", r.callId());
        assertEquals("Local/201@agents/n", r.agentInterface());
        assertEquals("Agent 201", r.agentName());
        assertEquals(2, r.score());
    }

    @Test
    void anInvalidDigitIsAskedAgainAndNoAnswerStoresNothing() throws Exception {
        run(env("c1", "a1", "n1"), "9", "5");
        assertEquals(5, store.all().get(0).score());
        FakeAsterisk.Dialog none = run(env("c2", "a1", "n1"));
        assertEquals("", none.variables().get("CTI_SURVEY_SCORE"));
        assertEquals(2, none.commands().stream().filter(c -> c.startsWith("GET DATA")).count());
        assertEquals(1, store.all().size());
    }

    @Test
    void jsonLinesStoreAppendsAndReadsBack(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("surveys/answers.jsonl");
        try (JsonLinesSurveyStore s = new JsonLinesSurveyStore(file, 10)) {
            s.add(new SurveyResponse("c1", "PJSIP/agent1", "A", "1", 5, NOW)).get();
            s.add(new SurveyResponse("c2", "PJSIP/agent1", "A", "1", 2, NOW)).get();
        }
        java.nio.file.Files.writeString(file, "not json\n", java.nio.file.StandardOpenOption.APPEND);
        try (JsonLinesSurveyStore s = new JsonLinesSurveyStore(file, 10)) {
            assertEquals(2, s.all().size(), "the bad line is skipped");
            assertEquals("c1", s.all().get(0).callId());
            assertEquals(50.0, s.csat().percent(), 1e-9);
        }
        assertEquals(3, java.nio.file.Files.readAllLines(file).size());
    }
}
