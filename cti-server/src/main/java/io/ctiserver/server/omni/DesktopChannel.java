package io.ctiserver.server.omni;

/** How contact events reach agent desktops: the gateway's sessions, or a fake in tests. Never blocks. */
public interface DesktopChannel {

    /** To every desktop of {@code agent} (a username). {@code body} is a JSON object, serialised once. */
    void toAgent(String agent, byte[] body);

    /** Whether any desktop of {@code agent} is connected now (an offer to nobody would only wait for its timeout). */
    default boolean online(String agent) {
        return true;
    }

    /** To supervisors and admins. */
    void toSupervisors(byte[] body);

    DesktopChannel NONE = new DesktopChannel() {
        @Override
        public void toAgent(String agent, byte[] body) {
        }

        @Override
        public void toSupervisors(byte[] body) {
        }
    };
}
