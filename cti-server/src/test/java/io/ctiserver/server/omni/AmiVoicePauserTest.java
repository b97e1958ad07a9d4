package io.ctiserver.server.omni;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ctiserver.ami.AmiMessage;
import io.ctiserver.ami.AmiResponse;
import io.ctiserver.events.AgentState;
import io.ctiserver.events.AgentView;
import io.ctiserver.events.CallView;
import io.ctiserver.events.CtiStateView;
import io.ctiserver.events.QueueView;
import io.ctiserver.server.gateway.auth.UserConfig;
import io.ctiserver.server.gateway.auth.UserDirectory;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The busy:chat pause as AMI actions, and an agent's own break left alone. */
class AmiVoicePauserTest {

    private final List<AmiMessage> sent = new CopyOnWriteArrayList<>();
    private volatile AgentView ann = agent(AgentState.AVAILABLE, null);
    private final CtiStateView state = new CtiStateView() {
        @Override
        public List<CallView> calls() {
            return List.of();
        }

        @Override
        public Optional<CallView> call(String callId) {
            return Optional.empty();
        }

        @Override
        public List<AgentView> agents() {
            return List.of(ann);
        }

        @Override
        public List<QueueView> queues() {
            return List.of();
        }
    };
    private final AmiVoicePauser pauser = new AmiVoicePauser(
            new UserDirectory(List.of(UserConfig.agent("ann", OmniFixture.HASH, "PJSIP/ann", "Ann")), "pbx1"),
            pbx -> pbx.equals("pbx1") ? a -> {
                sent.add(a);
                return CompletableFuture.completedFuture(AmiResponse.of(AmiMessage.of("Response", "Success")));
            } : null, state);

    private static AgentView agent(AgentState s, String reason) {
        return new AgentView("pbx1", "PJSIP/ann", "Ann", s, reason, List.of("support"), null, Instant.now());
    }

    @Test
    void pauseThenUnpauseInEveryQueueWithTheReason() {
        pauser.pause("ann", true, "busy:chat");
        ann = agent(AgentState.PAUSED, "busy:chat");
        pauser.pause("ann", false, "busy:chat");
        assertEquals(2, sent.size());
        AmiMessage p = sent.get(0);
        assertEquals("QueuePause", p.action());
        assertEquals("PJSIP/ann", p.get("Interface"));
        assertEquals("true", p.get("Paused"));
        assertEquals("busy:chat", p.get("Reason"));
        assertEquals(null, p.get("Queue"), "every queue of the member");
        assertEquals("false", sent.get(1).get("Paused"));
    }

    @Test
    void anAgentOnABreakOfTheirOwnIsLeftAloneBothWays() {
        ann = agent(AgentState.PAUSED, "lunch");
        pauser.pause("ann", true, "busy:chat");
        pauser.pause("ann", false, "busy:chat");
        assertTrue(sent.isEmpty(), "neither paused nor unpaused: " + sent);
        ann = agent(AgentState.LOGGED_OUT, null);
        pauser.pause("ann", true, "busy:chat");
        assertTrue(sent.isEmpty(), "not a queue member now");
        pauser.pause("nobody", true, "busy:chat");
        assertTrue(sent.isEmpty());
    }
}
