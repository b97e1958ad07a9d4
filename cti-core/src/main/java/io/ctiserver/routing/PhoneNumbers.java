package io.ctiserver.routing;

/** The one place that decides when two phone numbers are the same caller. */
public final class PhoneNumbers {

    private PhoneNumbers() {
    }

    /**
     * Keeps the digits only: {@code +1 (555) 100-1} and {@code 15551001} match. Caller ID values that Asterisk uses
     * for "no number" ({@code unknown}, empty) give an empty string, which matches nobody.
     */
    public static String normalize(String number) {
        if (number == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder(number.length());
        for (int i = 0; i < number.length(); i++) {
            char c = number.charAt(i);
            if (c >= '0' && c <= '9') {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
