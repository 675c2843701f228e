package io.openim.exporter.discovery.kubernetes;

import java.util.List;

/**
 * What one OpenIM client would get for one Service.
 *
 * @param addresses ready addresses the client dials, sorted, distinct
 * @param notReady  endpoints registered for the Service that the client skips because they are not ready
 * @param zeroCause why there are no addresses ({@link #NO_SERVICE}, {@link #NO_READY_ENDPOINTS},
 *                  {@link #NO_NAMED_PORT}); null when there are some
 */
public record ServiceReading(List<String> addresses, int notReady, String zeroCause) {
    /** No Service of that name in the namespace (nothing to resolve at all). */
    public static final String NO_SERVICE = "no_service";
    /** The Service exists but no endpoint is ready: pods not ready, or a selector matching no pod. */
    public static final String NO_READY_ENDPOINTS = "no_ready_endpoints";
    /** Ready endpoints exist, but none has the port the client looks for. */
    public static final String NO_NAMED_PORT = "no_named_port";

    public ServiceReading {
        addresses = List.copyOf(addresses);
        if (!addresses.isEmpty()) {
            zeroCause = null;
        }
    }
}
