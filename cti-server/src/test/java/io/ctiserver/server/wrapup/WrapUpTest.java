package io.ctiserver.server.wrapup;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ctiserver.ami.AmiActionException;
import io.ctiserver.ami.AmiActionSender;
import io.ctiserver.ami.AmiMessage;
import io.ctiserver.ami.AmiResponse;
import io.ctiserver.events.AgentState;
import io.ctiserver.events.AgentStateChanged;
import io.ctiserver.events.AgentView;
import io.ctiserver.events.CallAnswered;
import io.ctiserver.events.CallDirection;
import io.ctiserver.events.CallState;
import io.ctiserver.events.CallView;
import io.ctiserver.events.StateReconciled;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The cases of the wrap-up that the end-to-end test cannot stage with the simulator: another call when the time is
 * up, a non-queue call, a queue without wrap-up, Asterisk refusing the pause, the unpause failing on a link that is
 * down and being sent again after the resync. The tracker's events are built by hand; the PBX is a sender that
 * answers each QueuePause as this test says (Asterisk's Success, its Error, or no link).
 */
class WrapUpTest {

    private static final String IFACE = "PJSIP/agent1";
    private static final String PBX = "pbx1";

    private final ScheduledThreadPoolExecutor thread = new ScheduledThreadPoolExecutor(1);
    private final List<AmiMessage> sent = new ArrayList<>();
    private Function<AmiMessage, CompletableFuture<AmiResponse>> answer = a -> success();
    private final AmiActionSender pbx = action -> {
        synchronized (sent) {
            sent.add(action);
        }
        return answer.apply(action);
    };
    private final WrapUp wrapUp = new WrapUp(PBX, new WrapUpConfig(60, Map.of("sales", 1, "vip", 0), null), pbx,
            thread);

    @AfterEach
    void stop() {
        thread.shutdownNow();
    }

    private static CompletableFuture<AmiResponse> success() {
        return CompletableFuture.completedFuture(AmiResponse.of(AmiMessage.of("Response", "Success")));
    }

    private void answered(String queue) {
        wrapUp.onEvent(new CallAnswered(PBX, Instant.now(), new CallView("c1", PBX, "c1", CallDirection.INBOUND,
                CallState.CONNECTED, "5551000", null, "6000", queue, IFACE, "SIP Agent 1", Instant.now(), null,
                Instant.now(), false, List.of(), Map.of())));
    }

    private void state(AgentState state, String reason, AgentState previous) {
        wrapUp.onEvent(new AgentStateChanged(PBX, Instant.now(), new AgentView(PBX, IFACE, "SIP Agent 1", state, reason,
                List.of("sales", "support"), null, Instant.now()), previous));
    }

    /** What the PBX received, as "Paused:Reason", once the wrap-up's thread has handled everything before. */
    private List<String> sent() throws Exception {
        thread.submit(() -> { }).get();
        thread.submit(() -> { }).get(); // and what the answers handed back meanwhile
        synchronized (sent) {
            return sent.stream().map(m -> {
                assertEquals("QueuePause", m.action());
                assertEquals(IFACE, m.get("Interface"));
                return m.get("Paused") + ":" + m.get("Reason");
            }).toList();
        }
    }

    private void salesCallEndsInWrapUp() throws Exception {
        answered("sales");
        state(AgentState.ON_CALL, null, AgentState.RINGING);
        state(AgentState.AVAILABLE, null, AgentState.ON_CALL);
        assertEquals(List.of("true:wrap-up"), sent());
        state(AgentState.WRAP_UP, "wrap-up", AgentState.AVAILABLE); // the PBX's QueueMemberPause
    }

    @Test
    void anAgentOnAnotherCallWhenTheTimeIsUpIsUnpausedWhenThatCallEnds() throws Exception {
        salesCallEndsInWrapUp();
        state(AgentState.ON_CALL, null, AgentState.WRAP_UP); // a callback dialled during the wrap-up
        Thread.sleep(1500);
        assertEquals(List.of("true:wrap-up"), sent(), "the time is up, but the agent is on a call");
        answered(null); // that call was no queue call: no new wrap-up after it
        state(AgentState.WRAP_UP, "wrap-up", AgentState.ON_CALL);
        assertEquals(List.of("true:wrap-up", "false:" + WrapUp.END_REASON), sent());
    }

    @Test
    void noWrapUpAfterACallOutsideAQueueOrOfAQueueWithoutOne() throws Exception {
        answered(null);
        state(AgentState.ON_CALL, null, AgentState.AVAILABLE);
        state(AgentState.AVAILABLE, null, AgentState.ON_CALL);
        answered("vip");
        state(AgentState.ON_CALL, null, AgentState.RINGING);
        state(AgentState.AVAILABLE, null, AgentState.ON_CALL);
        answered("support");
        state(AgentState.ON_CALL, null, AgentState.RINGING);
        state(AgentState.PAUSED, "Lunch", AgentState.ON_CALL); // asked for a break during the call
        assertEquals(List.of(), sent());
    }

    @Test
    void aPauseAsteriskRefusesIsForgotten() throws Exception {
        answer = a -> CompletableFuture.completedFuture(AmiResponse.of(AmiMessage.of("Response", "Error",
                "Message", "Interface not found")));
        answered("sales");
        state(AgentState.ON_CALL, null, AgentState.RINGING);
        state(AgentState.AVAILABLE, null, AgentState.ON_CALL);
        Thread.sleep(1500);
        assertEquals(List.of("true:wrap-up"), sent(), "logged; no unpause of an agent never paused");
    }

    @Test
    void anUnpauseLostWithTheLinkIsSentAgainAfterTheResync() throws Exception {
        salesCallEndsInWrapUp();
        answer = a -> CompletableFuture.failedFuture(new AmiActionException(AmiActionException.Reason.NOT_CONNECTED, "link down"));
        Thread.sleep(1500);
        assertEquals(List.of("true:wrap-up", "false:" + WrapUp.END_REASON), sent());
        answer = a -> success();
        wrapUp.onEvent(new StateReconciled(PBX, Instant.now(), 0, 0, 0)); // the member is still in the pause
        assertEquals(List.of("true:wrap-up", "false:" + WrapUp.END_REASON, "false:" + WrapUp.END_REASON), sent());
        state(AgentState.AVAILABLE, null, AgentState.WRAP_UP);
        wrapUp.onEvent(new StateReconciled(PBX, Instant.now(), 0, 0, 0));
        assertEquals(3, sent().size(), "over: nothing more to send");
    }
}
