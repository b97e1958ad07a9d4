package io.ctiserver.server.omni;

import io.ctiserver.server.gateway.auth.User;
import io.ctiserver.server.gateway.auth.UserDirectory;
import io.ctiserver.server.gateway.session.DesktopSession;
import io.ctiserver.server.gateway.session.SessionRegistry;

/**
 * Contact events into the desktops' own event streams: each frame gets the session's next seq and is kept for resume
 * like a call event, and a desktop that does not read is closed by its session's bound, never waited for.
 */
public final class GatewayDesktops implements DesktopChannel {

    private final SessionRegistry sessions;
    private final UserDirectory users;

    public GatewayDesktops(SessionRegistry sessions, UserDirectory users) {
        this.sessions = sessions;
        this.users = users;
    }

    @Override
    public void toAgent(String agent, byte[] body) {
        User u = users.byName(agent).orElse(null);
        if (u == null || u.iface() == null) {
            return;
        }
        long now = System.nanoTime();
        for (DesktopSession s : sessions.agentSessions(u.pbx(), u.iface())) {
            if (s.user().username().equals(agent)) {
                s.deliver(body, now);
            }
        }
    }

    @Override
    public boolean online(String agent) {
        User u = users.byName(agent).orElse(null);
        if (u == null || u.iface() == null) {
            return false;
        }
        for (DesktopSession s : sessions.agentSessions(u.pbx(), u.iface())) {
            if (s.user().username().equals(agent) && s.attached()) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void toSupervisors(byte[] body) {
        long now = System.nanoTime();
        for (DesktopSession s : sessions.everything()) {
            if (s.user().role().supervises()) {
                s.deliver(body, now);
            }
        }
    }
}
