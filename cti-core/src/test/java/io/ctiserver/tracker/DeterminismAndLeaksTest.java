package io.ctiserver.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ctiserver.ami.AmiMessage;
import io.ctiserver.ami.capture.CaptureReader;
import io.ctiserver.events.AgentState;
import io.ctiserver.testing.Captures;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every capture: the same stream gives the same output, and nothing is left alive when the capture ends. */
class DeterminismAndLeaksTest {

    static Stream<Path> captures() {
        return Captures.all().stream();
    }

    @ParameterizedTest
    @MethodSource("captures")
    void replayingTwiceGivesIdenticalOutput(Path capture) {
        List<AmiMessage> messages = CaptureReader.readAll(capture, "pbx1");
        String first = new ReplayHarness().feed(messages).dump();
        String second = new ReplayHarness().feed(CaptureReader.readAll(capture, "pbx1")).dump();
        assertEquals(first, second);
    }

    @ParameterizedTest
    @MethodSource("captures")
    void nothingIsLeftAliveAfterTheCapture(Path capture) {
        ReplayHarness h = new ReplayHarness().feed(CaptureReader.readAll(capture, "pbx1"));
        Tracker t = h.tracker;
        assertEquals(List.of(), List.copyOf(t.channels().keySet()), "channels");
        assertEquals(List.of(), List.copyOf(t.bridges().keySet()), "bridges");
        assertEquals(List.of(), List.copyOf(t.calls().keySet()), "calls");
        assertEquals(List.of(), t.view().calls(), "published calls");
        assertTrue(t.view().queues().stream().allMatch(q -> q.entries().isEmpty()), "queue entries");
        assertTrue(t.view().agents().stream().noneMatch(a -> a.callId() != null
                || a.state() == AgentState.ON_CALL || a.state() == AgentState.RINGING), "agents still busy");
    }
}
