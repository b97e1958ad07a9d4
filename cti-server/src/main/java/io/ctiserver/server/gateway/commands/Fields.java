package io.ctiserver.server.gateway.commands;

import java.util.regex.Pattern;

/** The shapes of command fields that reach AMI headers: strict, so nothing else can ride along. */
public final class Fields {

    public static final Pattern NUMBER = Pattern.compile("[0-9+*#]{1,32}");
    public static final Pattern EXTEN = Pattern.compile("[0-9A-Za-z+*#_-]{1,40}");
    public static final Pattern DIGITS = Pattern.compile("[0-9*#A-Da-d]{1,32}");
    public static final Pattern QUEUE = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    public static final Pattern CODE = Pattern.compile("[A-Za-z0-9_. -]{1,64}");

    private Fields() {
    }
}
