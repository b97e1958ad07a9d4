package io.ctiserver.ami;

/** Several consumers of one PBX's AMI stream on its one consumer thread, each called in turn, in wire order. */
public final class AmiListeners {

    private AmiListeners() {
    }

    /** {@code first} (the call tracker) sees each message and link change before {@code second} (presence). */
    public static AmiListener both(AmiListener first, AmiListener second) {
        return new AmiListener() {
            @Override
            public void onMessage(AmiMessage message) {
                first.onMessage(message);
                second.onMessage(message);
            }

            @Override
            public void onLinkState(String pbx, AmiLinkState state, String detail) {
                first.onLinkState(pbx, state, detail);
                second.onLinkState(pbx, state, detail);
            }
        };
    }
}
