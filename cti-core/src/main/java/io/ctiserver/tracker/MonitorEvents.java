package io.ctiserver.tracker;

import io.ctiserver.ami.AmiMessage;
import io.ctiserver.events.MonitorKind;
import io.ctiserver.events.MonitoringStarted;
import io.ctiserver.events.MonitoringStopped;
import io.ctiserver.events.Party;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Recording (MixMonitor) and supervision (ChanSpy) of calls. Part of the tracker's single writer. */
final class MonitorEvents {

    private final TrackerState s;
    /** Spyer Uniqueid to the call it spies on. */
    private final Map<String, Spy> spies = new LinkedHashMap<>();

    MonitorEvents(TrackerState state) {
        this.s = state;
    }

    boolean isSpying(String uniqueid) {
        return spies.containsKey(uniqueid);
    }

    /** Stops every supervision of a call that ends. */
    void stopSpiesOn(Call call) {
        for (String spyerId : List.copyOf(spies.keySet())) {
            if (spies.get(spyerId).call() == call) {
                chanSpyStop(spyerId);
            }
        }
    }

    private record Spy(Call call, MonitorKind kind, String spyer) {
    }

    void mixMonitor(AmiMessage m, boolean start) {
        Channel ch = s.channel(m.get("Uniqueid"));
        if (ch == null) {
            return;
        }
        Call call = ch.call;
        if (start) {
            call.timeline.recordingStarted(ch.uniqueid, ch.mixMonitorFile, s.who(ch), s.clock.instant());
        } else {
            call.timeline.recordingStopped(ch.uniqueid, s.clock.instant());
        }
        if (call.recording == start) {
            return;
        }
        call.recording = start;
        s.touch(call);
        Instant now = s.clock.instant();
        s.emit(start ? new MonitoringStarted(s.pbx, now, call.id, MonitorKind.RECORDING, null, ch.name)
                : new MonitoringStopped(s.pbx, now, call.id, MonitorKind.RECORDING, null, ch.name));
    }

    void chanSpyStart(AmiMessage m) {
        Channel spyee = s.channel(m.get("SpyeeUniqueid"));
        String spyerId = m.get("SpyerUniqueid");
        if (spyee == null || spyerId == null) {
            return;
        }
        Channel spyer = s.channel(spyerId);
        MonitorKind kind = spyKind(spyer == null ? null : spyer.spyOptions);
        String spyerName = m.get("SpyerChannel", spyer == null ? "" : spyer.name);
        Call call = spyee.call;
        spies.put(spyerId, new Spy(call, kind, spyerName));
        if (spyer != null) {
            spyer.call.monitorLeg = true;
            s.touch(spyer.call);
            String number = spyer.callerNum != null ? spyer.callerNum : spyer.localExten();
            call.parties.put(spyerId, new Party(Party.Role.SUPERVISOR, spyer.name, spyerId, spyer.device,
                    spyer.callerName, number));
            s.touch(call);
        }
        s.emit(new MonitoringStarted(s.pbx, s.clock.instant(), call.id, kind, spyerName, spyee.name));
    }

    void chanSpyStop(String spyerId) {
        Spy spy = spyerId == null ? null : spies.remove(spyerId);
        if (spy == null) {
            return;
        }
        if (spy.call.parties.remove(spyerId) != null) {
            s.touch(spy.call);
        }
        s.emit(new MonitoringStopped(s.pbx, s.clock.instant(), spy.call.id, spy.kind, spy.spyer, null));
    }

    void originateResponse(AmiMessage m) {
        // An originated supervisor leg: the ChanSpy options are only visible here (no Newexten runs them).
        if ("ChanSpy".equalsIgnoreCase(m.get("Application"))) {
            Channel ch = s.channel(m.get("Uniqueid"));
            if (ch != null) {
                ch.spyOptions = spyOptionsOf(m.get("Data"));
            }
        }
    }

    static String spyOptionsOf(String appData) {
        if (appData == null) {
            return "";
        }
        int comma = appData.indexOf(',');
        return comma < 0 ? "" : appData.substring(comma + 1);
    }

    /** ChanSpy options: {@code B} barge, {@code w}/{@code W} whisper, otherwise listen. */
    static MonitorKind spyKind(String letters) {
        if (letters == null) {
            return MonitorKind.LISTEN;
        }
        // Options may carry arguments in parentheses (g(grp), e(exts)); only the letters outside count.
        int depth = 0;
        boolean whisper = false;
        for (int i = 0; i < letters.length(); i++) {
            char c = letters.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            } else if (depth == 0 && c == 'B') {
                return MonitorKind.BARGE;
            } else if (depth == 0 && (c == 'w' || c == 'W')) {
                whisper = true;
            }
        }
        return whisper ? MonitorKind.WHISPER : MonitorKind.LISTEN;
    }
}
