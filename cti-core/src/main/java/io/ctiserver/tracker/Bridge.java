package io.ctiserver.tracker;

import java.util.ArrayList;
import java.util.List;

/** An Asterisk bridge and the channels in it, in the order they entered. */
final class Bridge {

    final String id;
    final List<Channel> channels = new ArrayList<>(2);

    Bridge(String id) {
        this.id = id;
    }
}
