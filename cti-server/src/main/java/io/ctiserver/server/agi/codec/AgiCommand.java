package io.ctiserver.server.agi.codec;

/**
 * One command line to Asterisk, without its line end. The factories quote arguments the way res_agi parses them
 * (double quotes, backslash escapes), so a value with spaces or quotes arrives whole.
 */
public record AgiCommand(String line) {

    public AgiCommand {
        if (line.indexOf('\n') >= 0 || line.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("an AGI command is one line");
        }
    }

    public static AgiCommand getVariable(String name) {
        return new AgiCommand("GET VARIABLE " + quote(name));
    }

    /** {@code GET FULL VARIABLE}: Asterisk substitutes the whole expression ({@code ${...}}, functions). */
    public static AgiCommand getFullVariable(String expression) {
        return new AgiCommand("GET FULL VARIABLE " + quote(expression));
    }

    public static AgiCommand setVariable(String name, String value) {
        return new AgiCommand("SET VARIABLE " + quote(name) + " " + quote(value));
    }

    public static AgiCommand verbose(String message, int level) {
        return new AgiCommand("VERBOSE " + quote(message) + " " + level);
    }

    /** Plays {@code file} and reads up to {@code maxDigits} DTMF digits, waiting {@code timeoutMillis} for each. */
    public static AgiCommand getData(String file, long timeoutMillis, int maxDigits) {
        return new AgiCommand("GET DATA " + quote(file) + " " + timeoutMillis + " " + maxDigits);
    }

    public static AgiCommand waitForDigit(long timeoutMillis) {
        return new AgiCommand("WAIT FOR DIGIT " + timeoutMillis);
    }

    public static AgiCommand streamFile(String file, String escapeDigits) {
        return new AgiCommand("STREAM FILE " + quote(file) + " " + quote(escapeDigits));
    }

    /**
     * Quotes one argument. Line ends cannot travel in AGI and become spaces; {@code "} and {@code \} are escaped.
     */
    public static String quote(String value) {
        String v = value == null ? "" : value;
        StringBuilder sb = new StringBuilder(v.length() + 2).append('"');
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            switch (c) {
                case '"', '\\' -> sb.append('\\').append(c);
                case '\n', '\r' -> sb.append(' ');
                default -> sb.append(c);
            }
        }
        return sb.append('"').toString();
    }
}
