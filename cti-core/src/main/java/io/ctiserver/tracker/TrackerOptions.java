package io.ctiserver.tracker;

import java.util.List;
import java.util.Set;

/**
 * How the tracker reads a dialplan it does not own. Asterisk does not say whether a call is inbound, or that a
 * Redirect was a hold, so these few facts come from the configuration.
 *
 * @param inboundContexts   contexts where calls from outside arrive (a call starting there, or queued, is inbound)
 * @param holdContexts      contexts a desktop's "hold" Redirects a caller to: such a Redirect is a hold, not a transfer
 * @param conferenceContexts contexts a desktop's "conference" Redirects both legs to (ConfBridge rooms): not a transfer
 * @param internalMaxDigits a dialled number with more digits than this is outbound; otherwise internal
 * @param dataPrefixes      channel variables (VarSet) with these prefixes become call data ({@code CTI_}, {@code IVR_})
 * @param wrapUpReason      a member paused in every queue with this reason is in wrap-up, not on a break: the
 *                          server's wrap-up after a call is such a pause (Asterisk's own {@code wrapuptime} is
 *                          reported as wrap-up too, from the member's Wrapuptime)
 */
public record TrackerOptions(Set<String> inboundContexts, Set<String> holdContexts, Set<String> conferenceContexts,
                             int internalMaxDigits, List<String> dataPrefixes, String wrapUpReason) {

    public static final String DEFAULT_WRAP_UP_REASON = "wrap-up";

    public TrackerOptions {
        if (wrapUpReason == null || wrapUpReason.isBlank()) {
            throw new IllegalArgumentException("the wrap-up reason must not be blank");
        }
        inboundContexts = Set.copyOf(inboundContexts);
        holdContexts = Set.copyOf(holdContexts);
        conferenceContexts = Set.copyOf(conferenceContexts);
        dataPrefixes = List.copyOf(dataPrefixes);
    }

    public static TrackerOptions defaults() {
        return new TrackerOptions(
                Set.of("incoming", "incoming-noagi", "from-trunk", "from-pstn", "from-external"),
                Set.of("cti-hold"),
                Set.of("cti-conference"),
                5,
                List.of("CTI_", "IVR_"),
                DEFAULT_WRAP_UP_REASON);
    }

    public TrackerOptions withWrapUpReason(String reason) {
        return new TrackerOptions(inboundContexts, holdContexts, conferenceContexts, internalMaxDigits, dataPrefixes,
                reason);
    }
}
