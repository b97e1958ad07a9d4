package io.ctiserver.server.sim;

import io.ctiserver.ami.AmiMessage;
import java.util.ArrayList;
import java.util.List;

/** The queue-member actions: QueuePause (with Reason), QueueAdd, QueueRemove, QueuePenalty,
 * QueueMemberRingInUse; each emits the member event and the queue_log line app_queue would. Engine thread only. */
final class QueueActions extends ActionGroup {

    QueueActions(Pbx pbx, AmiServer server) {
        super(pbx, server);
    }

    void queuePause(AmiSession s, AmiMessage m) {
        String iface = required(s, m, "Interface", "Need 'Interface' parameter");
        String paused = iface == null ? null : required(s, m, "Paused", "Need 'Paused' parameter");
        if (paused == null) {
            return;
        }
        boolean pause = truthy(paused);
        String qName = m.get("Queue");
        String reason = m.get("Reason", "");
        List<SimQueue> targets = new ArrayList<>();
        for (SimQueue q : pbx.queues.values()) {
            if ((qName == null || qName.isEmpty() || q.name.equals(qName)) && q.members.containsKey(iface)) {
                targets.add(q);
            }
        }
        if (targets.isEmpty()) {
            error(s, m, "Interface not found");
            return;
        }
        success(s, m, pause ? "Interface paused successfully" : "Interface unpaused successfully");
        for (SimQueue q : targets) {
            SimQueue.Member mem = q.members.get(iface);
            mem.paused = pause;
            mem.pausedReason = pause ? reason : "";
            if (pause) {
                mem.lastPause = pbx.now() / 1000;
            }
            q.memberEvent("QueueMemberPause", mem);
            pbx.queueLog.write(pbx.now(), "NONE", q.name, q.agentName(mem), pause ? "PAUSE" : "UNPAUSE", reason);
        }
        if (!pause) {
            pbx.engine.after(0, () -> pbx.queues.values().forEach(SimQueue::kick));
        }
    }

    void queueAdd(AmiSession s, AmiMessage m) {
        String qName = required(s, m, "Queue", "'Queue' not specified.");
        String iface = qName == null ? null : required(s, m, "Interface", "'Interface' not specified.");
        if (iface == null) {
            return;
        }
        SimQueue q = pbx.queues.get(qName);
        if (q == null) {
            error(s, m, "Unable to add interface to queue: No such queue");
            return;
        }
        if (q.members.containsKey(iface)) {
            error(s, m, "Unable to add interface: Already there");
            return;
        }
        String name = m.get("MemberName", iface);
        SimQueue.Member mem = new SimQueue.Member(iface, name, m.get("StateInterface", iface), true,
                pbx.device(iface, null), QueueCall.parseInt(m.get("Penalty"), 0));
        mem.paused = truthy(m.get("Paused"));
        mem.pausedReason = mem.paused ? m.get("Reason", "") : "";
        mem.loginTime = pbx.now() / 1000;
        q.members.put(iface, mem);
        success(s, m, "Added interface to queue");
        q.memberEvent("QueueMemberAdded", mem);
        pbx.queueLog.write(pbx.now(), "NONE", q.name, q.agentName(mem), "ADDMEMBER", "");
        pbx.engine.after(0, q::kick);
    }

    void queueRemove(AmiSession s, AmiMessage m) {
        String qName = m.get("Queue");
        String iface = m.get("Interface");
        if (qName == null || qName.isEmpty() || iface == null || iface.isEmpty()) {
            error(s, m, "Need 'Queue' and 'Interface' parameters.");
            return;
        }
        SimQueue q = pbx.queues.get(qName);
        if (q == null) {
            error(s, m, "Unable to remove interface from queue: No such queue");
            return;
        }
        SimQueue.Member mem = q.members.get(iface);
        if (mem == null) {
            error(s, m, "Unable to remove interface: Not there");
            return;
        }
        if (!mem.dynamic) {
            error(s, m, "Unable to remove interface: It is not a dynamic member");
            return;
        }
        q.members.remove(iface);
        success(s, m, "Removed interface from queue");
        q.memberEvent("QueueMemberRemoved", mem);
        pbx.queueLog.write(pbx.now(), "NONE", q.name, q.agentName(mem), "REMOVEMEMBER", "");
    }

    void queueRingInUse(AmiSession s, AmiMessage m) {
        String iface = m.get("Interface");
        String qName = m.get("Queue");
        String value = m.get("RingInUse");
        boolean found = false;
        if (iface != null && value != null) {
            for (SimQueue q : pbx.queues.values()) {
                if ((qName == null || qName.isEmpty() || q.name.equals(qName)) && q.members.containsKey(iface)) {
                    if (!found) {
                        success(s, m, "Interface ringinuse set successfully");
                    }
                    found = true;
                    SimQueue.Member mem = q.members.get(iface);
                    mem.ringinuse = truthy(value);
                    q.memberEvent("QueueMemberRinginuse", mem);
                }
            }
        }
        if (!found) {
            error(s, m, "Invalid interface, queuename, or ringinuse value");
        }
    }

    void queuePenalty(AmiSession s, AmiMessage m) {
        String iface = m.get("Interface");
        String pen = m.get("Penalty");
        String qName = m.get("Queue");
        int penalty = QueueCall.parseInt(pen, -1);
        boolean found = false;
        if (iface != null && penalty >= 0) {
            for (SimQueue q : pbx.queues.values()) {
                if ((qName == null || qName.isEmpty() || q.name.equals(qName)) && q.members.containsKey(iface)) {
                    if (!found) {
                        success(s, m, "Interface penalty set successfully");
                    }
                    found = true;
                    SimQueue.Member mem = q.members.get(iface);
                    mem.penalty = penalty;
                    q.memberEvent("QueueMemberPenalty", mem);
                }
            }
        }
        if (!found) {
            error(s, m, "Invalid interface, queuename or penalty");
        }
    }
}
