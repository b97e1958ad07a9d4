package io.ctiserver.server.sim;

/** The agent behind one member interface, shared by every queue it is in. */
final class Device {
    final String iface;
    /** answer, noanswer or busy; tests may change it at run time. */
    String behaviour;
    double ringSeconds;
    double answerShare;
    /** Talk time for scripted queue calls answered here, or 0 for the call's own. */
    double talkSeconds;
    boolean busy;
    boolean ringing;
    long wrapUntil;
    long lastCallEnd;

    Device(String iface, SimConfig.MemberConfig mc) {
        this.iface = iface;
        this.behaviour = mc == null || mc.behaviour() == null ? "answer" : mc.behaviour();
        this.ringSeconds = mc == null || mc.ringSeconds() == null ? 2.0 : mc.ringSeconds();
        this.answerShare = mc == null || mc.answerShare() == null ? 1.0 : mc.answerShare();
    }

    boolean isLocal() {
        return iface.startsWith("Local/");
    }

    /** {@code 201} of {@code Local/201@agents/n}. */
    String localExten() {
        return iface.substring(6, iface.indexOf('@'));
    }

    String localContext() {
        int at = iface.indexOf('@');
        int slash = iface.indexOf('/', at);
        return slash < 0 ? iface.substring(at + 1) : iface.substring(at + 1, slash);
    }

    /** The device name channels are named after: {@code Local/201@agents}, {@code PJSIP/agent1}. */
    String deviceName() {
        if (isLocal()) {
            return "Local/" + localExten() + "@" + localContext();
        }
        return iface;
    }

    int status() {
        if (ringing && !isLocal()) {
            return 6;
        }
        return busy || ringing ? 2 : 1;
    }
}
