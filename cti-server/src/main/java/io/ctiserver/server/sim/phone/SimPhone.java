package io.ctiserver.server.sim.phone;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One simulated SIP phone behind a PJSIP endpoint: its contact (registered or not), how it reacts to a NOTIFY and to
 * an auto-answer header, and what it received (for tests). Engine thread only.
 */
public final class SimPhone {

    private final String endpoint;
    private String contactUri;
    private boolean registered;
    private boolean answersOnNotify = true;
    private boolean honoursAutoAnswer = true;
    private final List<String> notifies = new ArrayList<>();
    private final List<Map<String, String>> invites = new ArrayList<>();

    public SimPhone(String endpoint, String contactUri) {
        this.endpoint = endpoint;
        this.contactUri = contactUri;
        this.registered = true;
    }

    public String endpoint() {
        return endpoint;
    }

    public String device() {
        return "PJSIP/" + endpoint;
    }

    public String contactUri() {
        return contactUri;
    }

    public boolean registered() {
        return registered;
    }

    public void register(String uri) {
        this.contactUri = uri;
        this.registered = true;
    }

    public void unregister() {
        this.registered = false;
    }

    /** Whether an {@code Event: talk} NOTIFY answers a ringing call (a Yealink/Snom does; many phones ignore it). */
    public boolean answersOnNotify() {
        return answersOnNotify;
    }

    public void answersOnNotify(boolean on) {
        this.answersOnNotify = on;
    }

    public boolean honoursAutoAnswer() {
        return honoursAutoAnswer;
    }

    public void honoursAutoAnswer(boolean on) {
        this.honoursAutoAnswer = on;
    }

    /** A NOTIFY arrived with this {@code Event:}. */
    public void notified(String event) {
        notifies.add(event);
    }

    /** An INVITE arrived carrying these added headers (PJSIP_HEADER(add,...) on the originated leg). */
    public void invited(Map<String, String> headers) {
        invites.add(new LinkedHashMap<>(headers));
    }

    public List<String> notifies() {
        return List.copyOf(notifies);
    }

    public List<Map<String, String>> invites() {
        return invites.stream().map(Map::copyOf).toList();
    }

    /** Whether these INVITE headers ask the phone to answer at once (Call-Info answer-after=0, Alert-Info auto). */
    public boolean autoAnswers(Map<String, String> headers) {
        if (!honoursAutoAnswer || !registered) {
            return false;
        }
        String callInfo = headers.getOrDefault("Call-Info", "").toLowerCase(Locale.ROOT);
        String alertInfo = headers.getOrDefault("Alert-Info", "").toLowerCase(Locale.ROOT);
        return callInfo.contains("answer-after=0") || alertInfo.contains("auto answer")
                || alertInfo.contains("autoanswer") || alertInfo.contains("alert-autoanswer");
    }
}
