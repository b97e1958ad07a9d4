package io.ctiserver.routing;

import java.time.Instant;
import java.util.Map;

/**
 * A call asking where to go: transport-independent (FastAGI today; chat and email tasks later).
 *
 * @param uniqueid     the asking channel's Uniqueid (or the task id)
 * @param linkedid     the call's Linkedid when known; it becomes the call id
 * @param callerNumber who calls: the directory key
 * @param dialed       the number or service the caller asked for (the dialplan's {@code ${EXTEN}})
 * @param ivrData      data collected before routing (IVR choice, account number, ...), by variable name
 * @param time         when the call asks; business hours are judged at this instant
 */
public record RouteRequest(String uniqueid, String linkedid, String channel, String callerNumber, String callerName,
                           String dialed, Map<String, String> ivrData, Instant time) {

    public RouteRequest {
        ivrData = ivrData == null ? Map.of() : Map.copyOf(ivrData);
    }

    /** The call id the desktops know the call by: the Linkedid, else the Uniqueid. */
    public String callId() {
        return linkedid != null && !linkedid.isEmpty() ? linkedid : uniqueid;
    }
}
