package io.ctiserver.server.sim.phone;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Asterisk's AstDB as DBPut / DBGet / DBDel see it: family/key to value. Engine thread only. */
public final class AstDb {

    private final Map<String, String> values = new TreeMap<>();

    public void put(String family, String key, String value) {
        values.put(family + "/" + key, value == null ? "" : value);
    }

    public Optional<String> get(String family, String key) {
        return Optional.ofNullable(values.get(family + "/" + key));
    }

    public boolean delete(String family, String key) {
        return values.remove(family + "/" + key) != null;
    }

    public Map<String, String> copy() {
        return Map.copyOf(values);
    }
}
