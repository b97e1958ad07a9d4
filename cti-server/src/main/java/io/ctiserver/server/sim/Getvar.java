package io.ctiserver.server.sim;

/** Reads a channel variable or one of the few dialplan functions clients ask for. */
final class Getvar {
    private Getvar() {
    }

    static String value(Chan c, String name) {
        return switch (name) {
            case "CHANNEL(name)" -> c.name;
            case "CALLERID(num)" -> c.cidNum;
            case "CALLERID(name)" -> c.cidName;
            case "CHANNEL(uniqueid)", "UNIQUEID" -> c.uniqueid;
            case "CHANNEL(linkedid)" -> c.linkedid;
            case "CHANNEL(language)" -> c.language;
            case "EXTEN" -> c.exten;
            case "CONTEXT" -> c.context;
            default -> c.vars.get(name);
        };
    }
}
