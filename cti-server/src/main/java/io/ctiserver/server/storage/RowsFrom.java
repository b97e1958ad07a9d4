package io.ctiserver.server.storage;

import io.ctiserver.routing.RouteDecision;
import io.ctiserver.routing.survey.SurveyResponse;
import io.ctiserver.server.gateway.commands.AuditLog;
import io.ctiserver.server.gateway.commands.DispositionStore;
import java.util.UUID;

/** Rows from the things the server produces outside the trackers' events. */
public final class RowsFrom {

    private RowsFrom() {
    }

    public static Row.Disposition disposition(DispositionStore.Disposition d) {
        return new Row.Disposition(d.pbx(), d.callId(), d.agent(), d.code(), d.resolved(), d.notes(), d.outcome(),
                d.amount(), d.time().toEpochMilli());
    }

    public static Row.Survey survey(SurveyResponse r) {
        return new Row.Survey(r.callId(), r.agentInterface(), r.agentName(), r.callerNumber(), r.score(),
                r.time() == null ? System.currentTimeMillis() : r.time().toEpochMilli());
    }

    /** The id is drawn here, once, so that the journal and a replay of it carry the same id. */
    public static Row.Audit audit(AuditLog.Entry e) {
        return new Row.Audit(UUID.randomUUID().toString(), e.time().toEpochMilli(), e.user(), e.role(), e.command(),
                e.target(), e.result(), e.detail());
    }

    public static Row.RouteDecision route(RouteDecision d) {
        String reason = d.reason();
        if (reason.length() > 2000) {
            reason = reason.substring(0, 2000);
        }
        return new Row.RouteDecision(UUID.randomUUID().toString(),
                d.time() == null ? System.currentTimeMillis() : d.time().toEpochMilli(), d.callId(), d.uniqueid(),
                d.linkedid(), d.callerNumber(), d.queue(), d.agentInterface(), d.vip(), reason, d.fallback(),
                d.elapsedMicros());
    }
}
