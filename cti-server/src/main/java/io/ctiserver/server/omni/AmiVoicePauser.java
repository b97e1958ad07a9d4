package io.ctiserver.server.omni;

import io.ctiserver.ami.AmiActionSender;
import io.ctiserver.ami.AmiMessage;
import io.ctiserver.events.AgentState;
import io.ctiserver.events.AgentView;
import io.ctiserver.events.CtiStateView;
import io.ctiserver.server.gateway.auth.User;
import io.ctiserver.server.gateway.auth.UserDirectory;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chats fill an agent: {@code QueuePause Interface=<iface> Paused=true Reason=busy:chat} (no Queue: every queue), so
 * that app_queue does not ring them; a chat ends: {@code Paused=false}. An agent who had paused themselves (another
 * reason) is left alone both ways: only a pause this class made is undone.
 */
public final class AmiVoicePauser implements VoicePauser {

    private static final Logger LOG = LoggerFactory.getLogger(AmiVoicePauser.class);

    private final UserDirectory users;
    private final Function<String, AmiActionSender> senders;
    private final CtiStateView state;
    private final Set<String> pausedByUs = ConcurrentHashMap.newKeySet();

    public AmiVoicePauser(UserDirectory users, Function<String, AmiActionSender> senders, CtiStateView state) {
        this.users = users;
        this.senders = senders;
        this.state = state;
    }

    @Override
    public void pause(String agent, boolean paused, String reason) {
        User u = users.byName(agent).orElse(null);
        if (u == null || u.iface() == null) {
            return;
        }
        if (paused) {
            AgentView v = state.agents().stream()
                    .filter(a -> a.pbx().equals(u.pbx()) && a.iface().equalsIgnoreCase(u.iface())).findFirst()
                    .orElse(null);
            if (v == null || v.state() == AgentState.LOGGED_OUT
                    || (v.state() == AgentState.PAUSED && !reason.equals(v.pausedReason()))) {
                return; // not a queue member now, or on a break of their own
            }
            pausedByUs.add(agent);
        } else if (!pausedByUs.remove(agent)) {
            return;
        }
        AmiActionSender sender = senders.apply(u.pbx());
        if (sender == null) {
            LOG.warn("cannot {} {} for chats: no link to PBX {}", paused ? "pause" : "unpause", agent, u.pbx());
            return;
        }
        sender.send(AmiMessage.of("Action", "QueuePause", "Interface", u.iface(), "Paused", Boolean.toString(paused),
                "Reason", reason)).whenComplete((r, ex) -> {
                    if (ex != null || !r.isSuccess()) {
                        LOG.warn("QueuePause {} of {} failed: {}", paused, agent, ex != null ? ex.toString()
                                : r.message());
                    }
                });
    }
}
