package io.ctiserver.tracker;

import io.ctiserver.ami.AmiResponse;

/**
 * What Asterisk said about its state when asked after a (re)connect: the answers to CoreShowChannels and
 * QueueStatus (each with its event list). The tracker reconciles its state with it.
 */
public record PbxSnapshot(AmiResponse coreShowChannels, AmiResponse queueStatus) {
}
