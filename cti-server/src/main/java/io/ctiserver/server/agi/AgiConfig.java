package io.ctiserver.server.agi;

import io.ctiserver.config.DefaultIs;
import io.ctiserver.config.Range;

import io.ctiserver.server.agi.codec.AgiDecoder;

/**
 * The {@code agi} section of the server config.
 *
 * @param enabled              start the FastAGI server with {@code run}
 * @param bindAddress          where to listen (default all interfaces)
 * @param port                 TCP port (default 4573, Asterisk's default for {@code agi://}); 0 picks a free one
 * @param maxLineLength        decoder limit for one line (bytes)
 * @param maxEnvBytes          decoder limit for the environment block (bytes)
 * @param envTimeoutMillis     a connection that sends no complete environment block within this is closed
 * @param commandTimeoutMillis each command's reply must come within this (GET DATA gets its own timeout on top)
 * @param maxQueuedCommands    commands a script may queue at once
 * @param ioThreads            event-loop threads (default: one per core; an AGI dialog is many tiny round trips,
 *                             and more loops than cores only add wake-ups and context switches)
 * @param surveyFile           JSON-lines file for survey answers; null keeps them in memory
 * @param surveyPrompt         sound file the survey plays (GET DATA), without extension
 * @param surveyDigitTimeoutMillis how long the survey waits for the caller's digit
 * @param batchVariables       read and write channel variables one batch per round trip ({@code GET FULL VARIABLE},
 *                             {@code EXEC MSet}; see {@link VariableBatch}); false sends one {@code GET VARIABLE} or
 *                             {@code SET VARIABLE} per variable (for an Asterisk before 13 run with
 *                             {@code [compat] res_agi = 1.4})
 */
public record AgiConfig(
        Boolean enabled,
        String bindAddress,
        @Range(min = 0, max = 65535) Integer port,
        Integer maxLineLength,
        Integer maxEnvBytes,
        Long envTimeoutMillis,
        Long commandTimeoutMillis,
        @Range(min = 1) Integer maxQueuedCommands,
        @DefaultIs("one per core") Integer ioThreads,
        String surveyFile,
        String surveyPrompt,
        Long surveyDigitTimeoutMillis,
        Boolean batchVariables) {

    public static final int DEFAULT_PORT = 4573;

    public AgiConfig {
        enabled = enabled == null || enabled;
        bindAddress = bindAddress == null || bindAddress.isBlank() ? "0.0.0.0" : bindAddress;
        port = port == null ? DEFAULT_PORT : port;
        maxLineLength = maxLineLength == null ? AgiDecoder.DEFAULT_MAX_LINE_LENGTH : maxLineLength;
        maxEnvBytes = maxEnvBytes == null ? AgiDecoder.DEFAULT_MAX_ENV_BYTES : maxEnvBytes;
        envTimeoutMillis = envTimeoutMillis == null ? 5_000L : envTimeoutMillis;
        commandTimeoutMillis = commandTimeoutMillis == null ? 5_000L : commandTimeoutMillis;
        maxQueuedCommands = maxQueuedCommands == null ? 64 : maxQueuedCommands;
        ioThreads = ioThreads == null || ioThreads <= 0 ? Runtime.getRuntime().availableProcessors() : ioThreads;
        surveyPrompt = surveyPrompt == null ? "cti-survey" : surveyPrompt;
        surveyDigitTimeoutMillis = surveyDigitTimeoutMillis == null ? 6_000L : surveyDigitTimeoutMillis;
        batchVariables = batchVariables == null || batchVariables;
    }

    public static AgiConfig defaults() {
        return new AgiConfig(null, null, null, null, null, null, null, null, null, null, null, null, null);
    }

    public AgiConfig withPort(int p) {
        return new AgiConfig(enabled, bindAddress, p, maxLineLength, maxEnvBytes, envTimeoutMillis,
                commandTimeoutMillis, maxQueuedCommands, ioThreads, surveyFile, surveyPrompt, surveyDigitTimeoutMillis,
                batchVariables);
    }

    public AgiConfig withIoThreads(int n) {
        return new AgiConfig(enabled, bindAddress, port, maxLineLength, maxEnvBytes, envTimeoutMillis,
                commandTimeoutMillis, maxQueuedCommands, n, surveyFile, surveyPrompt, surveyDigitTimeoutMillis,
                batchVariables);
    }

    public AgiConfig withBatchVariables(boolean b) {
        return new AgiConfig(enabled, bindAddress, port, maxLineLength, maxEnvBytes, envTimeoutMillis,
                commandTimeoutMillis, maxQueuedCommands, ioThreads, surveyFile, surveyPrompt, surveyDigitTimeoutMillis,
                b);
    }

    public AgiConfig withBindAddress(String a) {
        return new AgiConfig(enabled, a, port, maxLineLength, maxEnvBytes, envTimeoutMillis,
                commandTimeoutMillis, maxQueuedCommands, ioThreads, surveyFile, surveyPrompt, surveyDigitTimeoutMillis,
                batchVariables);
    }
}
