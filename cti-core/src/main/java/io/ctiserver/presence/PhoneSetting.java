package io.ctiserver.presence;

import io.ctiserver.ami.AmiMessage;
import java.util.List;
import java.util.Optional;

/**
 * Do not disturb or a call forward changed on the phone itself: a feature code of {@code dialplans/cti-phones.conf}
 * ({@code [cti-phone-features]}) wrote AstDB and raised {@code UserEvent(CtiPhoneSetting,Extension: 201,Setting:
 * dnd,Value: 1)}. {@code setting} is {@code dnd} or a forward kind ({@code unconditional}, {@code busy},
 * {@code noanswer}); {@code value} is {@code 1}/{@code 0} for DND, the target number or empty (off) for a forward.
 */
public record PhoneSetting(String pbx, String extension, String setting, String value, long at) {

    /** The UserEvent name the dialplan raises. */
    public static final String USER_EVENT = "CtiPhoneSetting";
    public static final List<String> SETTINGS = List.of("dnd", "unconditional", "busy", "noanswer");

    public boolean isDnd() {
        return setting.equals("dnd");
    }

    /**
     * The setting a {@code UserEvent} reports, or empty when it is another UserEvent or lacks what it needs (an
     * extension, a known setting): a site's own UserEvents and a hand-made one are not phone settings.
     */
    public static Optional<PhoneSetting> from(String pbx, AmiMessage m) {
        if (!USER_EVENT.equals(m.get("UserEvent"))) {
            return Optional.empty();
        }
        String extension = m.get("Extension", "").trim();
        String setting = m.get("Setting", "").trim();
        if (extension.isEmpty() || !SETTINGS.contains(setting)) {
            return Optional.empty();
        }
        return Optional.of(new PhoneSetting(pbx, extension, setting, m.get("Value", "").trim(), m.receivedAt()));
    }
}
