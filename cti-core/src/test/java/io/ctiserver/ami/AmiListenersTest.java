package io.ctiserver.ami;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Two consumers of one AMI stream: in order, and a failing first one does not starve the second. */
class AmiListenersTest {

    @Test
    void bothSeeEveryMessageInOrderEvenWhenTheFirstFails() {
        List<String> seen = new ArrayList<>();
        AmiListener failing = m -> {
            seen.add("first " + m.eventName());
            if ("Boom".equals(m.eventName())) {
                throw new IllegalStateException("tracker bug");
            }
        };
        AmiListener second = m -> seen.add("second " + m.eventName());
        AmiListener both = AmiListeners.both(failing, second);
        both.onMessage(AmiMessage.of("Event", "Newchannel"));
        assertThrows(IllegalStateException.class, () -> both.onMessage(AmiMessage.of("Event", "Boom")));
        assertEquals(List.of("first Newchannel", "second Newchannel", "first Boom", "second Boom"), seen);
    }
}
