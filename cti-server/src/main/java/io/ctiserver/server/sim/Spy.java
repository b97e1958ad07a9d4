package io.ctiserver.server.sim;

import io.ctiserver.ami.AmiMessage;
import java.util.ArrayList;
import java.util.List;

/**
 * A supervisor's ChanSpy: the spyer channel (answered by Originate) spies on the first live channel whose name
 * starts with the target; options {@code q} (quiet), {@code w} (whisper), {@code B} (barge) are kept as the channel's
 * application data, visible in Status. ChanSpyStart and ChanSpyStop as in capture 12. When the spied channel ends
 * the spyer hangs up (the {@code E} behaviour; documented simplification).
 */
final class Spy {


    final Chan spyer;
    final String target;
    final String options;
    Chan spyee;

    private Spy(Chan spyer, String target, String options) {
        this.spyer = spyer;
        this.target = target;
        this.options = options;
    }

    static void start(Pbx pbx, Chan spyer, String data) {
        int comma = data.indexOf(',');
        String target = comma < 0 ? data : data.substring(0, comma);
        String options = comma < 0 ? "" : data.substring(comma + 1);
        spyer.app("ChanSpy", data);
        Spy spy = new Spy(spyer, target, options);
        pbx.spies.add(spy);
        spy.look(pbx);
    }

    private void look(Pbx pbx) {
        if (spyer.hungUp) {
            pbx.spies.remove(this);
            return;
        }
        Chan found = pbx.channelOfDevice(target);
        if (found == null || found == spyer) {
            pbx.engine.after(1000, () -> look(pbx));
            return;
        }
        spyee = found;
        pbx.emit(event("ChanSpyStart"));
    }

    private AmiMessage.Builder event(String name) {
        AmiMessage.Builder b = Pbx.event(name, "call,all");
        spyer.snapshot(b, "Spyer");
        spyee.snapshot(b, "Spyee");
        return b;
    }

    /** Called for every hangup: ends spies whose spyer or spyee went away. */
    static void onHangup(Pbx pbx, Chan gone) {
        if (pbx.spies.isEmpty()) {
            return;
        }
        for (Spy spy : new ArrayList<>(pbx.spies)) {
            if (spy.spyee == gone || spy.spyer == gone) {
                pbx.spies.remove(spy);
                if (spy.spyee != null) {
                    pbx.emit(spy.event("ChanSpyStop"));
                }
                if (spy.spyee == gone && !spy.spyer.hungUp) {
                    Chan spyer = spy.spyer;
                    pbx.engine.after(0, () -> pbx.hangupAll(spyer, 16));
                }
            }
        }
    }

}
