package io.ctiserver.server.sim;

/**
 * Where a channel goes when it is sent to {@code exten@context} (Redirect, BlindTransfer, Originate): the
 * {@code incoming} context queues the call (with the AGI step); anything else behaves like the testbed's
 * {@code transfer-targets}: ring for a second, answer, talk for 15 seconds, hang up.
 */
final class Dialplan {

    static final double TARGET_TALK_SECONDS = 15;

    private Dialplan() {
    }

    static void run(Pbx pbx, Chan chan, String context, String exten) {
        chan.location(context, exten, 1);
        if ("incoming".equals(context)) {
            QueueCall qc = new QueueCall(pbx, chan, pbx.traffic().talkSeconds(), pbx.traffic().patienceSeconds());
            pbx.newState(chan, ChanState.UP);
            qc.start(pbx.agi);
            return;
        }
        chan.app("Wait", "1");
        chan.flow = (c, cause) -> pbx.hangupAll(c, cause);
        pbx.engine.after(1000, () -> {
            if (chan.hungUp) {
                return;
            }
            pbx.newState(chan, ChanState.UP);
            chan.app("Wait", "15");
            pbx.engine.after(TARGET_TALK_SECONDS * 1000, () -> pbx.hangupAll(chan, 16));
        });
    }
}
