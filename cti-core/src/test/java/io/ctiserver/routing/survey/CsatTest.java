package io.ctiserver.routing.survey;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CsatTest {

    static SurveyResponse r(String agent, int score) {
        return new SurveyResponse("c", agent, null, "5551001", score, Instant.EPOCH);
    }

    @Test
    void csatIsTheShareOfFourAndFiveWithTheMeanBeside() {
        Csat c = Csat.of(List.of(r("A", 5), r("A", 4), r("B", 3), r("B", 1)));
        assertEquals(4, c.responses());
        assertEquals(2, c.satisfied());
        assertEquals(50.0, c.percent(), 1e-9);
        assertEquals(3.25, c.averageScore(), 1e-9);
        assertEquals(new Csat(0, 0, 0, 0), Csat.of(List.of()));

        Map<String, Csat> byAgent = Csat.byAgent(List.of(r("A", 5), r("A", 4), r("B", 3), r(null, 5)));
        assertEquals(100.0, byAgent.get("A").percent(), 1e-9);
        assertEquals(0.0, byAgent.get("B").percent(), 1e-9);
        assertEquals(2, byAgent.size());
    }

    @Test
    void scoresOutsideOneToFiveAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> r("A", 0));
        assertThrows(IllegalArgumentException.class, () -> r("A", 6));
    }

    @Test
    void inMemoryStoreKeepsTheNewest() {
        InMemorySurveyStore s = new InMemorySurveyStore(2);
        s.add(r("A", 1));
        s.add(r("A", 5));
        s.add(r("A", 4));
        assertEquals(2, s.all().size());
        assertEquals(100.0, s.csat().percent(), 1e-9);
    }
}
