package io.ctiserver.server.sim.phone;

import java.util.Optional;

/**
 * The contract of {@code dialplans/cti-phones.conf}'s {@code [cti-phone-features]}, as the simulator applies it: the
 * digits a phone dials to set its own DND and forwards. Each writes AstDB like the desktop's command, then raises
 * {@code UserEvent(CtiPhoneSetting,Extension: EXT,Setting: S,Value: V)} so the server can tell the desktops.
 *
 * <pre>
 *   *78 DND on          *79 DND off
 *   *72NUMBER forward all calls to NUMBER          *73 off
 *   *90NUMBER forward when busy                    *91 off
 *   *92NUMBER forward when not answered            *93 off
 * </pre>
 */
public final class PhoneFeatureCodes {

    /** What a feature code sets: {@code dnd} (value 1 or 0) or a forward kind (value the target, empty = off). */
    public record Setting(String setting, String value) {

        /** AstDB family and key, as the dialplan writes them. */
        public String family() {
            return setting.equals("dnd") ? PhoneDialplan.DND_FAMILY : PhoneDialplan.FORWARD_FAMILY;
        }

        public String key(String extension) {
            return setting.equals("dnd") ? extension : extension + "/" + setting;
        }
    }

    private PhoneFeatureCodes() {
    }

    /** The setting {@code digits} make, or empty when they are not a feature code (a forward needs 2+ digits). */
    public static Optional<Setting> parse(String digits) {
        switch (digits) {
            case "*78" -> {
                return Optional.of(new Setting("dnd", "1"));
            }
            case "*79" -> {
                return Optional.of(new Setting("dnd", "0"));
            }
            case "*73" -> {
                return Optional.of(new Setting("unconditional", ""));
            }
            case "*91" -> {
                return Optional.of(new Setting("busy", ""));
            }
            case "*93" -> {
                return Optional.of(new Setting("noanswer", ""));
            }
            default -> {
                if (digits.length() < 5 || !digits.substring(3).chars().allMatch(Character::isDigit)) {
                    return Optional.empty();
                }
                String target = digits.substring(3);
                return switch (digits.substring(0, 3)) {
                    case "*72" -> Optional.of(new Setting("unconditional", target));
                    case "*90" -> Optional.of(new Setting("busy", target));
                    case "*92" -> Optional.of(new Setting("noanswer", target));
                    default -> Optional.empty();
                };
            }
        }
    }
}
