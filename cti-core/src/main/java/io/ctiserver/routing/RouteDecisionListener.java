package io.ctiserver.routing;

/**
 * Told of every routing decision, on the thread that made it (an AGI event loop, the deadline timer): do not block.
 * The wiring attaches the decision to the tracker's call (its data and the screen pop) through this.
 */
@FunctionalInterface
public interface RouteDecisionListener {
    void onRouteDecision(RouteDecision decision);
}
