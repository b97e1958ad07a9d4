package io.ctiserver.server.webhooks;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * {@code X-CTI-Signature: t=UNIX_SECONDS,v1=HEX}: HMAC-SHA256 with the subscription's secret over
 * {@code t + "." + body}. The timestamp is signed with the body, so a receiver that rejects a {@code t} more than five
 * minutes from its clock cannot be fooled by a replayed delivery. {@link #verify} is what a receiver does (and the
 * reference for docs/crm-integration.md).
 */
public final class WebhookSignature {

    public static final String HEADER = "X-CTI-Signature";
    /** How far a receiver should let {@code t} be from its own clock. */
    public static final long TOLERANCE_SECONDS = 300;

    private WebhookSignature() {
    }

    public static String sign(byte[] secret, long epochSeconds, byte[] body) {
        return "t=" + epochSeconds + ",v1=" + HexFormat.of().formatHex(hmac(secret, epochSeconds, body));
    }

    /** True when {@code header} is a signature of {@code body} with {@code secret}, made within the tolerance. */
    public static boolean verify(byte[] secret, String header, byte[] body, long nowEpochSeconds) {
        if (header == null) {
            return false;
        }
        long t = -1;
        String v1 = null;
        for (String part : header.split(",")) {
            String[] kv = part.trim().split("=", 2);
            if (kv.length == 2 && kv[0].equals("t")) {
                try {
                    t = Long.parseLong(kv[1]);
                } catch (NumberFormatException e) {
                    return false;
                }
            } else if (kv.length == 2 && kv[0].equals("v1")) {
                v1 = kv[1];
            }
        }
        if (t < 0 || v1 == null || Math.abs(nowEpochSeconds - t) > TOLERANCE_SECONDS) {
            return false;
        }
        byte[] given;
        try {
            given = HexFormat.of().parseHex(v1);
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(hmac(secret, t, body), given);
    }

    private static byte[] hmac(byte[] secret, long t, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            mac.update((t + ".").getBytes(StandardCharsets.US_ASCII));
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
        }
    }
}
