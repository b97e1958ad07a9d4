package io.ctiserver.server.metrics;

/**
 * One thing the server needs before it can do its work: an AMI link, the FastAGI listener, the database. A feature
 * that has such a dependency implements this (storage: "the database answers a trivial query within its timeout")
 * and the wiring adds it to {@link Readiness}; {@code GET /api/ready} then answers 503 while it is not ready.
 *
 * <p>{@link #check()} is called on an HTTP event loop for every readiness probe: it must answer from state the
 * feature already keeps (a flag, the time of the last successful query), never do I/O itself.
 */
public interface ReadinessCheck {

    /** Short and stable, e.g. {@code ami:pbx1}, {@code fastagi}, {@code storage}. */
    String name();

    Status check();

    /** Ready or not, and a few words for the operator ({@code FULLY_BOOTED}, {@code listening on 4573}). */
    record Status(boolean ready, String detail) {

        public static Status ready(String detail) {
            return new Status(true, detail);
        }

        public static Status notReady(String detail) {
            return new Status(false, detail);
        }
    }
}
