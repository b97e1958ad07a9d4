package io.ctiserver.server.sim;

import io.ctiserver.ami.AmiMessage;
import java.util.ArrayDeque;
import java.util.List;

/**
 * Answers AMI actions the way Asterisk 22 does: the same responses, event lists and error messages (captures 01,
 * 04, 05, 06, 08, 12), and changes the simulated PBX as the action would. Dispatches to the action groups.
 * Engine thread only.
 */
final class AmiActions extends ActionGroup {

    /** The fault hooks the {@code SimFault} action reaches (the simulator's own fault API). */
    interface Faults {
        void drop();

        void restart();

        void stall(boolean on);

        void garbage();

        void oversized(int bytes);
    }

    /** How many received actions {@link #received()} keeps. */
    static final int RECEIVED_KEPT = 4096;

    private final SessionActions session;
    /** The last actions clients sent (Login and Challenge left out: they carry secrets), oldest first. */
    private final ArrayDeque<AmiMessage> received = new ArrayDeque<>();
    private final CallActions calls;
    private final StatusActions status;
    private final QueueActions queues;
    private final PhoneActions phones;

    AmiActions(Pbx pbx, AmiServer server, Faults faults) {
        super(pbx, server);
        this.session = new SessionActions(pbx, server, faults);
        this.calls = new CallActions(pbx, server);
        this.status = new StatusActions(pbx, server);
        this.queues = new QueueActions(pbx, server);
        this.phones = new PhoneActions(pbx, server);
    }

    PhoneActions phones() {
        return phones;
    }

    void handle(AmiSession s, AmiMessage m) {
        String action = m.action();
        if (action == null) {
            error(s, m, "Missing action in request");
            return;
        }
        String a = action.toLowerCase();
        if (!a.equals("login") && !a.equals("challenge")) {
            if (received.size() == RECEIVED_KEPT) {
                received.removeFirst();
            }
            received.addLast(m);
        }
        if (!s.authenticated) {
            switch (a) {
                case "login" -> session.login(s, m);
                case "challenge" -> session.challenge(s, m);
                case "logoff" -> session.logoff(s, m);
                default -> error(s, m, "Authentication Required");
            }
            return;
        }
        switch (a) {
            case "ping" -> reply(s, ok(m).add("Ping", "Pong")
                    .add("Timestamp", String.format("%d.%06d", pbx.now() / 1000, (pbx.now() % 1000) * 1000)));
            case "events" -> session.events(s, m);
            case "logoff" -> session.logoff(s, m);
            case "login" -> reply(s, ok(m).add("Message", "Already authenticated"));
            case "coresettings" -> session.coreSettings(s, m);
            case "corestatus" -> session.coreStatus(s, m);
            case "originate" -> calls.originate(s, m);
            case "hangup" -> calls.hangup(s, m);
            case "redirect" -> calls.redirect(s, m);
            case "blindtransfer" -> calls.blindTransfer(s, m);
            case "atxfer" -> calls.atxfer(s, m);
            case "park" -> calls.park(s, m);
            case "bridge" -> calls.bridge(s, m);
            case "queuepause" -> queues.queuePause(s, m);
            case "queueadd" -> queues.queueAdd(s, m);
            case "queueremove" -> queues.queueRemove(s, m);
            case "queuepenalty" -> queues.queuePenalty(s, m);
            case "queuememberringinuse" -> queues.queueRingInUse(s, m);
            case "extensionstate" -> reply(s, ok(m).add("Message", "Extension Status")
                    .add("Exten", m.get("Exten", "")).add("Context", m.get("Context", "")).add("Hint", "")
                    .add("Status", "-1").add("StatusText", "Unknown"));
            case "command" -> status.command(s, m);
            case "simfault" -> session.simFault(s, m);
            case "mixmonitor" -> calls.mixMonitor(s, m, true);
            case "stopmixmonitor" -> calls.mixMonitor(s, m, false);
            case "playdtmf" -> calls.playDtmf(s, m);
            case "setvar" -> calls.setvar(s, m);
            case "getvar" -> calls.getvar(s, m);
            case "status" -> status.status(s, m);
            case "coreshowchannels" -> status.coreShowChannels(s, m);
            case "queuestatus" -> status.queueStatus(s, m);
            case "queuesummary" -> status.queueSummary(s, m);
            case "bridgelist" -> status.bridgeList(s, m);
            case "pjsipnotify" -> phones.pjsipNotify(s, m);
            case "dbput" -> phones.dbPut(s, m);
            case "dbget" -> phones.dbGet(s, m);
            case "dbdel" -> phones.dbDel(s, m);
            case "pjsipshowendpoints" -> phones.pjsipShowEndpoints(s, m);
            case "pjsipshowcontacts" -> phones.pjsipShowContacts(s, m);
            case "devicestatelist" -> phones.deviceStateList(s, m);
            case "extensionstatelist" -> phones.extensionStateList(s, m);
            default -> error(s, m, "Invalid/unknown command: " + action
                    + ". Use Action: ListCommands to show available commands.");
        }
    }

    /** The actions received lately, oldest first: what a test checks a client really sent. */
    List<AmiMessage> received() {
        return List.copyOf(received);
    }

    // ---- helpers ------------------------------------------------------------------------------------------------
}
