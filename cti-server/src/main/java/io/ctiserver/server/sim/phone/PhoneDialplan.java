package io.ctiserver.server.sim.phone;

/**
 * The contract of {@code dialplans/cti-phones.conf} for a call to an extension, as the simulator's dialplan model
 * applies it: DND ({@code CTI_DND/EXT} = 1) answers busy; unconditional forwarding ({@code CTI_FWD/EXT/unconditional})
 * dials the target instead; busy forwarding when the phone is busy; no-answer forwarding after
 * {@link #NO_ANSWER_SECONDS} of ringing.
 */
public final class PhoneDialplan {

    public static final String DND_FAMILY = "CTI_DND";
    public static final String FORWARD_FAMILY = "CTI_FWD";
    /** The dialplan's ring time before the no-answer forward (the {@code CTI_FWD_RING} default in cti-phones.conf). */
    public static final int NO_ANSWER_SECONDS = 20;

    /** What to do with a call to {@code exten}. */
    public sealed interface Route permits Busy, Forward, Ring {
    }

    /** DND: the caller hears busy (DIALSTATUS BUSY). */
    public record Busy() implements Route {
    }

    /** Dial {@code target} instead (from the {@code phones} forwarding). */
    public record Forward(String target, String kind) implements Route {
    }

    /** Ring the phone; on busy go to {@code busyTarget}, after the ring time to {@code noAnswerTarget} (null: none). */
    public record Ring(String busyTarget, String noAnswerTarget) implements Route {
    }

    private PhoneDialplan() {
    }

    public static Route route(AstDb db, String exten) {
        if ("1".equals(db.get(DND_FAMILY, exten).orElse(""))) {
            return new Busy();
        }
        String cfu = db.get(FORWARD_FAMILY, exten + "/unconditional").orElse("");
        if (!cfu.isEmpty()) {
            return new Forward(cfu, "unconditional");
        }
        String cfb = db.get(FORWARD_FAMILY, exten + "/busy").orElse("");
        String cfnr = db.get(FORWARD_FAMILY, exten + "/noanswer").orElse("");
        return new Ring(cfb.isEmpty() ? null : cfb, cfnr.isEmpty() ? null : cfnr);
    }
}
