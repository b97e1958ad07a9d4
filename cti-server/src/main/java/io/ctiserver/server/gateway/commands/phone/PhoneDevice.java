package io.ctiserver.server.gateway.commands.phone;

import java.util.List;

/**
 * One desk phone or softphone in the {@code phones.devices} config list: whose it is, its extension, and what it
 * accepts. Null settings take the vendor's; {@code "none"} switches a vendor setting off.
 *
 * @param device      the Asterisk device, {@code PJSIP/201}
 * @param extension   the extension its DND and forwarding are kept under (default: the endpoint name, {@code 201})
 * @param users       the gateway users who sit at this phone (default: users whose {@code device} is this device)
 * @param vendor      yealink, snom, poly, grandstream, generic (default generic)
 * @param answerEvent NOTIFY Event that answers; null = vendor's, "none" = cannot
 * @param holdEvent   NOTIFY Event that holds; null = vendor's, "none" = hold by Redirect
 * @param resumeEvent NOTIFY Event that resumes; null = vendor's
 * @param autoAnswer  auto-answer header {@code Name: value}; null = vendor's, "none" = the phone rings
 * @param hold        {@code notify} or {@code redirect}; default: notify when the phone has a hold event
 */
public record PhoneDevice(String device, String extension, List<String> users, String vendor, String answerEvent,
                          String holdEvent, String resumeEvent, String autoAnswer, String hold) {

    public PhoneDevice {
        users = users == null ? List.of() : List.copyOf(users);
        if (device == null || !device.contains("/")) {
            throw new IllegalArgumentException("phones.devices: 'device' must be TECH/RESOURCE, e.g. PJSIP/201");
        }
        PhoneVendor.named(vendor); // fails early on an unknown vendor
        if (hold != null && !hold.equals("notify") && !hold.equals("redirect")) {
            throw new IllegalArgumentException("phones.devices[" + device + "]: hold is 'notify' or 'redirect'");
        }
    }

    public static PhoneDevice of(String device, String vendor) {
        return new PhoneDevice(device, null, null, vendor, null, null, null, null, null);
    }

    public boolean isPjsip() {
        return device.regionMatches(true, 0, "PJSIP/", 0, 6);
    }

    /** The PJSIP endpoint name ({@code 201} of {@code PJSIP/201}). */
    public String endpoint() {
        return device.substring(device.indexOf('/') + 1);
    }

    public String effectiveExtension() {
        return extension != null ? extension : endpoint();
    }

    public String effectiveAnswerEvent() {
        return pick(answerEvent, PhoneVendor.named(vendor).answerEvent());
    }

    public String effectiveHoldEvent() {
        return pick(holdEvent, PhoneVendor.named(vendor).holdEvent());
    }

    public String effectiveResumeEvent() {
        return pick(resumeEvent, PhoneVendor.named(vendor).resumeEvent());
    }

    public String effectiveAutoAnswer() {
        return pick(autoAnswer, PhoneVendor.named(vendor).autoAnswer());
    }

    /** Hold through the phone (NOTIFY) or by moving both legs out of the bridge (Redirect). */
    public boolean holdsByNotify() {
        if ("redirect".equals(hold)) {
            return false;
        }
        return effectiveHoldEvent() != null && effectiveResumeEvent() != null && isPjsip();
    }

    public String vendorName() {
        return vendor == null ? "generic" : vendor;
    }

    private static String pick(String own, String vendors) {
        if ("none".equalsIgnoreCase(own)) {
            return null;
        }
        return own != null ? own : vendors;
    }
}
