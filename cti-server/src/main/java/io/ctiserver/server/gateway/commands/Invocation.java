package io.ctiserver.server.gateway.commands;

import io.ctiserver.server.gateway.auth.User;

/**
 * One command invocation: who sent it, its validated fields, its name, and the audit target as the handling family
 * finds it (a call id, {@code agent@queue}, ...). Lives on one event loop for the command's duration.
 */
public final class Invocation {

    private final User user;
    private final Request req;
    private final String name;
    private String target;

    public Invocation(User user, Request req, String name) {
        this.user = user;
        this.req = req;
        this.name = name;
    }

    public User user() {
        return user;
    }

    public Request req() {
        return req;
    }

    public String name() {
        return name;
    }

    /** What the audit log names as the command's target; null until the family knows it. */
    public String target() {
        return target;
    }

    public void target(String target) {
        this.target = target;
    }
}
