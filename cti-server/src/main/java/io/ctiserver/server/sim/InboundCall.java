package io.ctiserver.server.sim;

/**
 * A scripted inbound call for {@link PbxSimulator#placeInboundCall(InboundCall)}.
 *
 * @param trunk           the device the call comes in on ({@code PJSIP/trunk}, {@code PJSIP/sipp-in})
 * @param number          the caller's number
 * @param name            the caller's name
 * @param exten           the DID dialled
 * @param ivrChoice       set as IVR_CHOICE before the AGI step, or null
 * @param talkSeconds     conversation length once an agent answers (simulated seconds)
 * @param patienceSeconds the caller abandons after this long in the queue; 0 = never
 * @param agentHangsUp    who ends the conversation: the agent (COMPLETEAGENT) or the caller (COMPLETECALLER)
 */
public record InboundCall(String trunk, String number, String name, String exten, String ivrChoice,
                          double talkSeconds, double patienceSeconds, boolean agentHangsUp) {

    public static InboundCall of(String number, String exten) {
        return new InboundCall("PJSIP/trunk", number, "Caller " + number, exten, null,
                Traffic.SCRIPTED_TALK_SECONDS, 0, true);
    }

    public InboundCall from(String trunkDevice, String callerName) {
        return new InboundCall(trunkDevice, number, callerName, exten, ivrChoice, talkSeconds, patienceSeconds,
                agentHangsUp);
    }

    public InboundCall ivr(String choice) {
        return new InboundCall(trunk, number, name, exten, choice, talkSeconds, patienceSeconds, agentHangsUp);
    }

    public InboundCall talk(double seconds, boolean agentEnds) {
        return new InboundCall(trunk, number, name, exten, ivrChoice, seconds, patienceSeconds, agentEnds);
    }

    public InboundCall patience(double seconds) {
        return new InboundCall(trunk, number, name, exten, ivrChoice, talkSeconds, seconds, agentHangsUp);
    }
}
