package io.ctiserver.ami;

/** Several consumers of one PBX's AMI stream on its one consumer thread, each called in turn, in wire order. */
public final class AmiListeners {

    private AmiListeners() {
    }

    /**
     * {@code first} (the call tracker) sees each message and link change before {@code second} (presence); a failure
     * of one does not keep the message from the other (the failure still reaches the caller, which logs it).
     */
    public static AmiListener both(AmiListener first, AmiListener second) {
        return new AmiListener() {
            @Override
            public void onMessage(AmiMessage message) {
                try {
                    first.onMessage(message);
                } finally {
                    second.onMessage(message);
                }
            }

            @Override
            public void onLinkState(String pbx, AmiLinkState state, String detail) {
                try {
                    first.onLinkState(pbx, state, detail);
                } finally {
                    second.onLinkState(pbx, state, detail);
                }
            }
        };
    }
}
