package io.ctiserver.server.cli;

/** A command line we cannot run: unknown verb or flag, missing or malformed value. Exits with status 2. */
public class UsageException extends RuntimeException {
    public UsageException(String message) {
        super(message);
    }
}
