package io.ctiserver.server.gateway;

import io.ctiserver.events.CallView;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The customer record shown in the screen pop. Implemented by the wiring (CRM, database, cache).
 *
 * <p>Called on the gateway's fan-out thread for each {@code call.offered} that pops at an agent: answer from memory or a
 * cache (routing has usually looked the customer up already and left {@code CTI_CUSTOMER_*} data on the call). A slow
 * lookup delays the events of every desktop. An exception leaves the pop without a customer record.
 */
@FunctionalInterface
public interface CustomerLookup {

    /** The record (JSON-serialisable values), or an empty map when the caller is unknown. */
    Map<String, Object> lookup(CallView call);

    /** No record at all. */
    CustomerLookup NONE = call -> Map.of();

    /** The record routing attached as {@code CTI_CUSTOMER_<FIELD>} data: {@code CTI_CUSTOMER_ID=42} gives {@code id: 42}. */
    CustomerLookup FROM_CALL_DATA = call -> {
        Map<String, Object> out = new LinkedHashMap<>();
        call.data().forEach((k, v) -> {
            if (k.startsWith("CTI_CUSTOMER_") && k.length() > "CTI_CUSTOMER_".length()) {
                out.put(k.substring("CTI_CUSTOMER_".length()).toLowerCase(java.util.Locale.ROOT), v);
            }
        });
        return out;
    };
}
