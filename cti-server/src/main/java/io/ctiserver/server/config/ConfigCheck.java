package io.ctiserver.server.config;

import java.util.List;

/** A check that needs more than one section (e.g. users against the PBX's queues); runs once every section binds. */
interface ConfigCheck {

    /** Adds {@code key.path: problem} lines to {@code problems}. */
    void check(ServerConfig config, List<String> problems);
}
