package io.ctiserver.server.sim;

import io.ctiserver.ami.AmiMessage;
import java.util.ArrayList;
import java.util.List;

/** One simulated basic two-party bridge. */
final class Bridge {
    final String id;
    final List<Chan> members = new ArrayList<>(2);

    Bridge(String id) {
        this.id = id;
    }

    void snapshot(AmiMessage.Builder b, String prefix) {
        b.add(prefix + "BridgeUniqueid", id)
                .add(prefix + "BridgeType", "basic")
                .add(prefix + "BridgeTechnology", "simple_bridge")
                .add(prefix + "BridgeCreator", "<unknown>")
                .add(prefix + "BridgeName", "<unknown>")
                .add(prefix + "BridgeNumChannels", Integer.toString(members.size()))
                .add(prefix + "BridgeVideoSourceMode", "none");
    }

    Chan other(Chan c) {
        for (Chan m : members) {
            if (m != c) {
                return m;
            }
        }
        return null;
    }
}
