package io.ctiserver.server.ami;

import io.ctiserver.config.InputFile;
import io.ctiserver.config.Range;
import io.ctiserver.config.Secret;

import io.ctiserver.server.ami.codec.AmiDecoder;

/**
 * One Asterisk server the CTI server connects to over AMI: one entry of the {@code pbx.servers} list in the JSON
 * config. A field left out (or 0) takes the default shown.
 *
 * @param id                  the PBX id that tags every message from this server (required, unique)
 * @param host                Asterisk's host name or address (required)
 * @param port                AMI port: 5038, or 5039 for AMI over TLS
 * @param username            the {@code manager.conf} user (required)
 * @param secret              its secret; never logged
 * @param md5                 log in with the MD5 challenge ({@code Action: Challenge}), so the secret never crosses
 *                            the wire
 * @param tls                 AMI over TLS
 * @param tlsTrustCertificate a PEM file with the certificate(s) to trust; {@code null} uses the JVM's trust store
 * @param tlsSkipHostnameCheck accept a certificate whose name does not match {@code host} (lab setups only)
 * @param connectTimeoutMs    TCP connect timeout (default 5000)
 * @param loginTimeoutMs      banner plus login must complete within this (default 10000)
 * @param actionTimeoutMs     default timeout of an action, event lists included (default 10000)
 * @param pingIntervalMs      a Ping is sent after this long without traffic (default 20000)
 * @param pingTimeoutMs       no answer to that Ping within this closes the link as dead (default 10000)
 * @param reconnectMinMs      first reconnect delay; doubles per failed attempt, with jitter (default 500)
 * @param reconnectMaxMs      the longest reconnect delay (default 30000)
 * @param authRetryMs         the delay after Asterisk refused the credentials (default 60000)
 * @param queueCapacity       events waiting for the consumer before the socket stops reading (default 20000)
 * @param maxEventListSize    the most events one event-list action may collect (default 100000)
 * @param maxLineLength       the decoder's line limit in bytes (default 16384)
 * @param maxMessageSize      the decoder's message limit in bytes (default 1048576)
 */
public record PbxConfig(
        String id,
        String host,
        @Range(min = 0, max = 65535) int port,
        String username,
        @Secret String secret,
        boolean md5,
        boolean tls,
        @InputFile String tlsTrustCertificate,
        boolean tlsSkipHostnameCheck,
        int connectTimeoutMs,
        int loginTimeoutMs,
        int actionTimeoutMs,
        int pingIntervalMs,
        int pingTimeoutMs,
        int reconnectMinMs,
        int reconnectMaxMs,
        int authRetryMs,
        int queueCapacity,
        int maxEventListSize,
        int maxLineLength,
        int maxMessageSize) {

    public PbxConfig {
        require(id, "id");
        require(host, "host");
        require(username, "username");
        secret = secret == null ? "" : secret;
        port = orDefault(port, tls ? 5039 : 5038);
        connectTimeoutMs = orDefault(connectTimeoutMs, 5_000);
        loginTimeoutMs = orDefault(loginTimeoutMs, 10_000);
        actionTimeoutMs = orDefault(actionTimeoutMs, 10_000);
        pingIntervalMs = orDefault(pingIntervalMs, 20_000);
        pingTimeoutMs = orDefault(pingTimeoutMs, 10_000);
        reconnectMinMs = orDefault(reconnectMinMs, 500);
        reconnectMaxMs = Math.max(orDefault(reconnectMaxMs, 30_000), reconnectMinMs);
        authRetryMs = orDefault(authRetryMs, 60_000);
        queueCapacity = orDefault(queueCapacity, 20_000);
        maxEventListSize = orDefault(maxEventListSize, 100_000);
        maxLineLength = orDefault(maxLineLength, AmiDecoder.DEFAULT_MAX_LINE_LENGTH);
        maxMessageSize = orDefault(maxMessageSize, AmiDecoder.DEFAULT_MAX_MESSAGE_SIZE);
        if (queueCapacity < 2) {
            throw new IllegalArgumentException("pbx '" + id + "': queueCapacity must be at least 2");
        }
    }

    /** The usual case: plain TCP, plain login, every timeout at its default. */
    public static PbxConfig of(String id, String host, int port, String username, String secret) {
        return new PbxConfig(id, host, port, username, secret, false, false, null, false,
                0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    public PbxConfig withMd5(boolean on) {
        return new PbxConfig(id, host, port, username, secret, on, tls, tlsTrustCertificate, tlsSkipHostnameCheck,
                connectTimeoutMs, loginTimeoutMs, actionTimeoutMs, pingIntervalMs, pingTimeoutMs, reconnectMinMs,
                reconnectMaxMs, authRetryMs, queueCapacity, maxEventListSize, maxLineLength, maxMessageSize);
    }

    public PbxConfig withTls(String trustCertificatePem) {
        return new PbxConfig(id, host, port, username, secret, md5, true, trustCertificatePem, tlsSkipHostnameCheck,
                connectTimeoutMs, loginTimeoutMs, actionTimeoutMs, pingIntervalMs, pingTimeoutMs, reconnectMinMs,
                reconnectMaxMs, authRetryMs, queueCapacity, maxEventListSize, maxLineLength, maxMessageSize);
    }

    public PbxConfig withTimeouts(int actionTimeoutMs, int pingIntervalMs, int pingTimeoutMs) {
        return new PbxConfig(id, host, port, username, secret, md5, tls, tlsTrustCertificate, tlsSkipHostnameCheck,
                connectTimeoutMs, loginTimeoutMs, actionTimeoutMs, pingIntervalMs, pingTimeoutMs, reconnectMinMs,
                reconnectMaxMs, authRetryMs, queueCapacity, maxEventListSize, maxLineLength, maxMessageSize);
    }

    public PbxConfig withBackoff(int reconnectMinMs, int reconnectMaxMs, int authRetryMs) {
        return new PbxConfig(id, host, port, username, secret, md5, tls, tlsTrustCertificate, tlsSkipHostnameCheck,
                connectTimeoutMs, loginTimeoutMs, actionTimeoutMs, pingIntervalMs, pingTimeoutMs, reconnectMinMs,
                reconnectMaxMs, authRetryMs, queueCapacity, maxEventListSize, maxLineLength, maxMessageSize);
    }

    public PbxConfig withQueueCapacity(int queueCapacity) {
        return new PbxConfig(id, host, port, username, secret, md5, tls, tlsTrustCertificate, tlsSkipHostnameCheck,
                connectTimeoutMs, loginTimeoutMs, actionTimeoutMs, pingIntervalMs, pingTimeoutMs, reconnectMinMs,
                reconnectMaxMs, authRetryMs, queueCapacity, maxEventListSize, maxLineLength, maxMessageSize);
    }

    /** Where the client connects, for logs. */
    public String address() {
        return host + ":" + port + (tls ? " (TLS)" : "");
    }

    /** Never prints the secret: records print every component, and configs end up in logs. */
    @Override
    public String toString() {
        return "PbxConfig[id=" + id + ", " + address() + ", user=" + username + ", secret=***, md5=" + md5 + "]";
    }

    private static void require(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("pbx server: '" + field + "' is required");
        }
    }

    private static int orDefault(int value, int fallback) {
        return value > 0 ? value : fallback;
    }
}
