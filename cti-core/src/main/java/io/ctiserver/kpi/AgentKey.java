package io.ctiserver.kpi;

/** An agent: a queue-member interface on one PBX. */
record AgentKey(String pbx, String iface) implements Comparable<AgentKey> {

    @Override
    public int compareTo(AgentKey o) {
        int c = String.valueOf(pbx).compareTo(String.valueOf(o.pbx));
        return c != 0 ? c : iface.compareTo(o.iface);
    }
}
