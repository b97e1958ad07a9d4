package io.ctiserver.server.sim;

/** What a channel is doing, told of outside changes to it (hangup by action, caller gone, ...). */
interface CallFlow {
    /** The channel was hung up by someone else (an action, the far end). */
    void hungUpFromOutside(Chan chan, int cause);

    /** The phone behind {@code chan} answered by itself (a NOTIFY it obeys); false when {@code chan} is not ringing. */
    default boolean answerNow(Chan chan) {
        return false;
    }
}
