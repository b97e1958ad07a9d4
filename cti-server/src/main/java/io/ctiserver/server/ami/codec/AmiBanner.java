package io.ctiserver.server.ami.codec;

/** The greeting line that opens an AMI session, e.g. {@code Asterisk Call Manager/11.0.0}. */
public record AmiBanner(String text) {

    public static final String ASTERISK_22 = "Asterisk Call Manager/11.0.0";

    /** The AMI protocol version after the slash ("11.0.0"), or the whole text when there is none. */
    public String version() {
        int slash = text.lastIndexOf('/');
        return slash < 0 ? text : text.substring(slash + 1);
    }
}
