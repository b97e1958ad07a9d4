package io.ctiserver.server.ami;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The {@code pbx} section of the server config: the Asterisk servers to connect to, each with its own AMI client.
 *
 * <pre>{@code
 * "pbx": {
 *   "servers": [
 *     { "id": "pbx-a", "host": "10.0.0.5", "username": "cti", "secret": "...", "md5": true },
 *     { "id": "pbx-b", "host": "ami.example.org", "port": 5039, "tls": true, "username": "cti", "secret": "..." }
 *   ]
 * }
 * }</pre>
 */
public record AmiClientConfig(List<PbxConfig> servers) {

    public static final String SECTION = "pbx";

    public AmiClientConfig {
        servers = servers == null ? List.of() : List.copyOf(servers);
        Set<String> ids = new HashSet<>();
        for (PbxConfig s : servers) {
            if (!ids.add(s.id())) {
                throw new IllegalArgumentException("pbx server id '" + s.id() + "' is used twice");
            }
        }
    }

    public static AmiClientConfig none() {
        return new AmiClientConfig(List.of());
    }
}
