package io.openim.exporter.discovery;

import java.time.Duration;

/** Tells whether a registered address answers. */
public interface EndpointProber {
    boolean probe(String address, Duration timeout);
}
