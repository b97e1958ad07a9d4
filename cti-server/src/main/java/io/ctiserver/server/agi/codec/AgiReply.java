package io.ctiserver.server.agi.codec;

/**
 * Asterisk's answer to one command.
 *
 * <ul>
 *   <li>{@code 200 result=N [(data)] [extra]}: done; {@code result} and {@code data} mean what the command says
 *       (GET VARIABLE: {@code result=1 (value)} or {@code result=0} when unset);</li>
 *   <li>{@code 510 Invalid or unknown command};</li>
 *   <li>{@code 511 Command Not Permitted on a dead channel or intercept routine};</li>
 *   <li>{@code 520} invalid syntax, with the usage text of the {@code 520-...} lines in {@code text}.</li>
 * </ul>
 *
 * @param code   the status code
 * @param result the {@code result=} value of a 200, else null
 * @param data   the text in parentheses after the result, else null
 * @param text   for other codes: the message (520: the usage lines joined with a newline); for 200: extra fields
 *               after the data (e.g. {@code endpos=1234}), else null
 */
public record AgiReply(int code, String result, String data, String text) implements AgiInbound {

    public static final int OK = 200;
    public static final int INVALID_COMMAND = 510;
    public static final int DEAD_CHANNEL = 511;
    public static final int USAGE = 520;

    public boolean ok() {
        return code == OK;
    }

    /** {@code result=} as a number, or {@code fallback} when absent or not a number. */
    public int resultInt(int fallback) {
        if (result == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(result);
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    @Override
    public String toString() {
        if (code == OK) {
            return "200 result=" + result + (data != null ? " (" + data + ")" : "") + (text != null ? " " + text : "");
        }
        return code + " " + (text == null ? "" : text.replace('\n', ' '));
    }
}
