package io.openim.exporter.kafka;

import io.openim.exporter.runtime.Errors;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;


/** Turns a failed cycle into a short reason (the metric's label) and one readable line (the log and source_up). */
final class KafkaErrors {
    private KafkaErrors() {
    }

    record Described(String reason, String message) {
    }

    static Described describe(Throwable t, String brokers, String user, String mechanism) {
        Throwable c = Errors.unwrap(t);
        String msg = c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
        if (c instanceof SslAuthenticationException) {
            return new Described("tls", "TLS handshake with " + brokers + " failed: " + msg);
        }
        if (c instanceof SaslAuthenticationException) {
            return new Described("authentication", "authentication failed (SASL " + mechanism + " as user '" + user + "') at "
                    + brokers + ": " + msg);
        }
        if (c instanceof AuthorizationException) {
            return new Described("authorization", "not authorized (user '" + user + "'): " + msg
                    + " (the exporter needs Describe on the watched groups and their topics)");
        }
        if (c instanceof org.apache.kafka.common.errors.TimeoutException || c instanceof java.util.concurrent.TimeoutException) {
            // the detail differs from cycle to cycle (which request timed out): left out, so the error logs once
            return new Described("timeout", "no answer from " + brokers + " in time (broker down or unreachable)");
        }
        return new Described("error", c.getClass().getSimpleName() + ": " + msg);
    }
}
