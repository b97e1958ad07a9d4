package io.ctiserver.server.sim;

import io.ctiserver.ami.AmiMessage;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.SimpleDateFormat;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.TimeZone;

/** The session and system actions: Login (plain and MD5 challenge), Challenge, Logoff, Events, CoreSettings,
 * CoreStatus, and the simulator's own SimFault. Engine thread only. */
final class SessionActions extends ActionGroup {

    private final AmiActions.Faults faults;

    SessionActions(Pbx pbx, AmiServer server, AmiActions.Faults faults) {
        super(pbx, server);
        this.faults = faults;
    }

    void login(AmiSession s, AmiMessage m) {
        String user = m.get("Username");
        SimConfig.User u = pbx.config.users().stream().filter(x -> x.name().equals(user)).findFirst().orElse(null);
        boolean good = false;
        if (u != null) {
            if ("md5".equalsIgnoreCase(m.get("AuthType")) && s.challenge != null) {
                good = md5(s.challenge + u.secret()).equalsIgnoreCase(m.get("Key", ""));
            } else {
                good = u.secret().equals(m.get("Secret"));
            }
        }
        if (!good) {
            // Capture 01b: the error, then Asterisk closes the socket.
            reply(s, response(m, "Error").add("Message", "Authentication failed"));
            s.channel.eventLoop().execute(() -> s.channel.close());
            return;
        }
        s.username = user;
        success(s, m, "Authentication accepted");
        long up = (pbx.now() - pbx.bootedAt) / 1000;
        s.send(Pbx.event("FullyBooted", "system,all").add("Uptime", Long.toString(up))
                .add("LastReload", Long.toString(up)).add("Status", "Fully Booted").build());
        String tv = isoTime(pbx.now());
        s.send(Pbx.event("SuccessfulAuth", "security,all").add("EventTV", tv).add("Severity", "Informational")
                .add("Service", "AMI").add("EventVersion", "1").add("AccountID", user)
                .add("SessionID", "0x" + Integer.toHexString(System.identityHashCode(s)))
                .add("LocalAddress", "IPV4/TCP/" + addr(s.channel.localAddress()))
                .add("RemoteAddress", "IPV4/TCP/" + addr(s.channel.remoteAddress()))
                .add("UsingPassword", "0").add("SessionTV", tv).build());
        s.authenticated = true;
    }

    private static String addr(java.net.SocketAddress a) {
        if (a instanceof java.net.InetSocketAddress i) {
            return i.getAddress().getHostAddress() + "/" + i.getPort();
        }
        return String.valueOf(a);
    }

    void challenge(AmiSession s, AmiMessage m) {
        if (!"md5".equalsIgnoreCase(m.get("AuthType"))) {
            error(s, m, "Must specify AuthType");
            return;
        }
        s.challenge = Long.toString(Math.abs(pbx.random.nextLong()) % 1_000_000_000L);
        reply(s, ok(m).add("Challenge", s.challenge));
    }

    static String md5(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    void logoff(AmiSession s, AmiMessage m) {
        reply(s, response(m, "Goodbye").add("Message", "Thanks for all the fish."));
        s.channel.eventLoop().execute(() -> s.channel.close());
    }

    void events(AmiSession s, AmiMessage m) {
        String mask = m.get("EventMask", "on");
        s.eventsOn = !mask.equalsIgnoreCase("off");
        reply(s, ok(m).add("Events", s.eventsOn ? "On" : "Off"));
    }

    void coreSettings(AmiSession s, AmiMessage m) {
        reply(s, ok(m).add("AMIversion", "11.0.0").add("AsteriskVersion", "22.10.1").add("SystemName", "")
                .add("CoreMaxCalls", "0").add("CoreMaxLoadAvg", "0.000000").add("CoreRunUser", "")
                .add("CoreRunGroup", "").add("CoreMaxFilehandles", "0").add("CoreRealTimeEnabled", "No")
                .add("CoreCDRenabled", "Yes").add("CoreHTTPenabled", "No").add("SoundsSearchCustomDir", "No"));
    }

    void coreStatus(AmiSession s, AmiMessage m) {
        SimpleDateFormat d = new SimpleDateFormat("yyyy-MM-dd");
        SimpleDateFormat t = new SimpleDateFormat("HH:mm:ss");
        d.setTimeZone(TimeZone.getTimeZone("UTC"));
        t.setTimeZone(TimeZone.getTimeZone("UTC"));
        Date boot = new Date(pbx.bootedAt);
        reply(s, ok(m).add("CoreStartupDate", d.format(boot)).add("CoreStartupTime", t.format(boot))
                .add("CoreReloadDate", d.format(boot)).add("CoreReloadTime", t.format(boot))
                .add("CoreCurrentCalls", Integer.toString(countCalls()))
                .add("CoreProcessedCalls", Long.toString(pbx.processedCalls)));
    }

    private int countCalls() {
        java.util.Set<String> linked = new java.util.HashSet<>();
        for (Chan c : pbx.channels.values()) {
            linked.add(c.linkedid);
        }
        return linked.size();
    }

    static String isoTime(long ms) {
        SimpleDateFormat f = new SimpleDateFormat("yyyy-MM-dd'T'HH:mm:ss.SSSZ");
        f.setTimeZone(TimeZone.getTimeZone("UTC"));
        return f.format(new Date(ms));
    }

    // ---- call control -------------------------------------------------------------------------------------------

    /**
     * {@code Action: SimFault} with {@code Fault: drop | restart | stall | resume | garbage | oversized}: the fault
     * API over AMI, for integrators driving the standalone simulator. Not an Asterisk action. The faults run after
     * the response is written; the engine thread is not blocked.
     */
    void simFault(AmiSession s, AmiMessage m) {
        String fault = m.get("Fault", "").toLowerCase();
        if (!List.of("drop", "restart", "stall", "resume", "garbage", "oversized").contains(fault)) {
            error(s, m, "Fault must be one of drop, restart, stall, resume, garbage, oversized");
            return;
        }
        success(s, m, "Fault injected: " + fault);
        switch (fault) {
            case "drop" -> faults.drop();
            case "restart" -> faults.restart();
            case "stall" -> faults.stall(true);
            case "resume" -> faults.stall(false);
            case "garbage" -> faults.garbage();
            default -> faults.oversized(QueueCall.parseInt(m.get("Bytes"), 2 * 1024 * 1024));
        }
    }
}
