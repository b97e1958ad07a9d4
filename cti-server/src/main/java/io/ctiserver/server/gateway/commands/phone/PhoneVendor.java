package io.ctiserver.server.gateway.commands.phone;

import java.util.Locale;

/**
 * What a family of phones accepts, as the vendors document it: the out-of-dialog NOTIFY {@code Event} that makes the
 * phone answer, hold and resume, and the INVITE header that makes it answer by itself. A device's own settings
 * override its vendor's. See docs/phones.md for the table and what was verified.
 *
 * @param answerEvent  NOTIFY {@code Event:} that answers the ringing call, or null when the phone has none
 * @param holdEvent    NOTIFY {@code Event:} that puts the active call on hold, or null
 * @param resumeEvent  NOTIFY {@code Event:} that resumes it, or null
 * @param autoAnswer   the INVITE header for auto-answer, {@code Name: value}, or null
 */
public record PhoneVendor(String answerEvent, String holdEvent, String resumeEvent, String autoAnswer) {

    /** Yealink: remote control by NOTIFY (Event talk / hold; resume is talk again); Call-Info answer-after. */
    public static final PhoneVendor YEALINK = new PhoneVendor("talk", "hold", "talk", "Call-Info: answer-after=0");
    /** Snom: the same NOTIFY events; Call-Info with a URI part, as Snom's auto-answer documentation shows it. */
    public static final PhoneVendor SNOM = new PhoneVendor("talk", "hold", "talk",
            "Call-Info: <sip:127.0.0.1>;answer-after=0");
    /** Polycom/Poly: no answer by NOTIFY; auto-answer through an Alert-Info ring class. */
    public static final PhoneVendor POLY = new PhoneVendor(null, null, null, "Alert-Info: info=Auto Answer");
    /** Grandstream: Call-Info auto-answer; answer by NOTIFY not documented, so not offered. */
    public static final PhoneVendor GRANDSTREAM = new PhoneVendor(null, null, null,
            "Call-Info: <sip:127.0.0.1>;answer-after=0");
    /** Anything else (softphones, unknown): no remote control; the Call-Info header most SIP phones honour. */
    public static final PhoneVendor GENERIC = new PhoneVendor(null, null, null, "Call-Info: answer-after=0");

    public static PhoneVendor named(String vendor) {
        if (vendor == null) {
            return GENERIC;
        }
        return switch (vendor.toLowerCase(Locale.ROOT)) {
            case "yealink" -> YEALINK;
            case "snom" -> SNOM;
            case "poly", "polycom" -> POLY;
            case "grandstream" -> GRANDSTREAM;
            case "generic", "softphone" -> GENERIC;
            default -> throw new IllegalArgumentException("phones: unknown vendor '" + vendor
                    + "' (yealink, snom, poly, grandstream, generic)");
        };
    }
}
