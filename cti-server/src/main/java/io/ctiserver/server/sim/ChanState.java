package io.ctiserver.server.sim;

/** Asterisk's channel states, with the code and text that AMI shows ({@code ChannelState}, {@code ChannelStateDesc}). */
enum ChanState {
    DOWN(0, "Down"), RING(4, "Ring"), RINGING(5, "Ringing"), UP(6, "Up"), BUSY(7, "Busy");

    final int code;
    final String desc;

    ChanState(int code, String desc) {
        this.code = code;
        this.desc = desc;
    }
}
