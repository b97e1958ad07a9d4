package io.ctiserver.server.agi;

import java.util.concurrent.CompletionStage;

/**
 * A FastAGI script, chosen by the request path ({@code agi://host:4573/NAME}). {@link #run} starts the dialog and
 * returns at once; it must never block (it runs on a Netty event loop). When the returned stage completes, the
 * server closes the connection and Asterisk continues the dialplan.
 */
public interface AgiScript {

    String name();

    CompletionStage<?> run(AgiSession session);
}
