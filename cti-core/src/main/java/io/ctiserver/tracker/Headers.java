package io.ctiserver.tracker;

/** Reading AMI header values: Asterisk's placeholders and numbers that may be missing or malformed. */
final class Headers {

    private Headers() {
    }

    static String known(String v, String fallback) {
        if (v == null) {
            return fallback;
        }
        return v.isEmpty() || v.equals("<unknown>") ? null : v;
    }

    static String realExten(String exten) {
        return exten == null || exten.isEmpty() || exten.equals("s") ? null : exten;
    }

    static int parseInt(String v, int fallback) {
        if (v == null || v.isEmpty()) {
            return fallback;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    static long parseLong(String v, long fallback) {
        if (v == null || v.isEmpty()) {
            return fallback;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
