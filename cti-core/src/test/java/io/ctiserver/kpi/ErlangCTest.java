package io.ctiserver.kpi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Erlang C against published values: the Erlang C table's probability of waiting for A = 10 Erlangs (0.6821 with
 * 11 agents, 0.4494 with 12, 0.2853 with 13, 0.1741 with 14, 0.1020 with 15, four decimals as the tables print
 * them), and closed forms a reader can check by hand (M/M/2 at A = 1: P(wait) = 1/3; M/M/3 at A = 2: 4/9).
 */
class ErlangCTest {

    @Test
    void probabilityOfWaitingMatchesTheTable() {
        assertEquals(0.6821, ErlangC.probabilityOfWaiting(11, 10), 5e-5);
        assertEquals(0.4494, ErlangC.probabilityOfWaiting(12, 10), 5e-5);
        assertEquals(0.2853, ErlangC.probabilityOfWaiting(13, 10), 5e-5);
        assertEquals(0.1741, ErlangC.probabilityOfWaiting(14, 10), 5e-5);
        assertEquals(0.1020, ErlangC.probabilityOfWaiting(15, 10), 5e-5);
    }

    @Test
    void closedForms() {
        assertEquals(1.0 / 3, ErlangC.probabilityOfWaiting(2, 1), 1e-12);
        assertEquals(4.0 / 9, ErlangC.probabilityOfWaiting(3, 2), 1e-12);
        // ASA = C * AHT / (N - A): M/M/2 at A = 1 with AHT 180 s waits 60 s on average
        assertEquals(60.0, ErlangC.asaSeconds(2, 1, 180), 1e-9);
        // SL = 1 - C * exp(-(N - A) T / AHT)
        assertEquals(1 - Math.exp(-20.0 / 180) / 3, ErlangC.serviceLevel(2, 1, 180, 20), 1e-12);
    }

    @Test
    void agentsNeededIsTheFewestThatMeetTheGoal() {
        // 100 calls in 30 minutes, AHT 180 s: A = 10 Erlangs; 80 % in 20 s needs 14 agents (13 give 79.6 %)
        double rate = 100 / 1800.0;
        assertEquals(14, ErlangC.agentsNeeded(rate, 180, 20, 80));
        assertTrue(ErlangC.serviceLevel(13, 10, 180, 20) < 0.80);
        assertTrue(ErlangC.serviceLevel(14, 10, 180, 20) >= 0.80);
        assertEquals(0, ErlangC.agentsNeeded(0, 180, 20, 80));
        assertEquals(1, ErlangC.agentsNeeded(1 / 3600.0, 60, 20, 80));
    }

    @Test
    void overloadedQueue() {
        assertEquals(1.0, ErlangC.probabilityOfWaiting(10, 10));
        assertEquals(0.0, ErlangC.serviceLevel(9, 10, 180, 20));
        assertEquals(Double.POSITIVE_INFINITY, ErlangC.asaSeconds(10, 10, 180));
        assertThrows(IllegalArgumentException.class, () -> ErlangC.probabilityOfWaiting(-1, 2));
        assertThrows(IllegalArgumentException.class, () -> ErlangC.agentsNeeded(1, 180, 20, 100));
    }

    @Test
    void staffingForAQueue() {
        Staffing s = Staffing.of(100, 1800, 180.0, 20, 80, 12);
        assertEquals(200, s.callsPerHour(), 1e-9);
        assertEquals(10, s.erlangs(), 1e-9);
        assertEquals(14, s.agentsNeeded());
        assertEquals(64.02, s.expectedServiceLevelPercent(), 0.01);
        assertEquals(40.44, s.expectedAsaSeconds(), 0.01);
        Staffing short_ = Staffing.of(100, 1800, 180.0, 20, 80, 9);
        assertEquals(0.0, short_.expectedServiceLevelPercent());
        assertNull(short_.expectedAsaSeconds());
        assertNull(Staffing.of(0, 1800, null, 20, 80, 3));
    }
}
