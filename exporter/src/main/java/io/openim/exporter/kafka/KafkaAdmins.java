package io.openim.exporter.kafka;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Builds a Kafka Admin client from the exporter's kafka settings, the way OpenIM's kafka.yml connects:
 * SASL (PLAIN by default, or SCRAM) when a username is set, TLS with PEM files when enableTLS is true.
 * Creating the client does not connect; the first request does.
 */
public final class KafkaAdmins {
    private KafkaAdmins() {
    }

    public static Admin create(KafkaSettings cfg) {
        return Admin.create(properties(cfg));
    }

    public static Map<String, Object> properties(KafkaSettings cfg) {
        Map<String, Object> p = new HashMap<>();
        int timeoutMs = (int) Math.max(1000, cfg.timeout().toMillis());
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, String.join(",", cfg.address()));
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, "openim-exporter");
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeoutMs);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMs);
        // a broker back from an outage is found within a second, not after the default 1 s..10 s backoff
        p.put(AdminClientConfig.RECONNECT_BACKOFF_MS_CONFIG, 100);
        p.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000);
        p.put(AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, 100);
        boolean sasl = !cfg.username().isEmpty();
        boolean tls = cfg.tls().enableTLS();
        p.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG,
                sasl ? (tls ? "SASL_SSL" : "SASL_PLAINTEXT") : (tls ? "SSL" : "PLAINTEXT"));
        if (sasl) {
            p.put(SaslConfigs.SASL_MECHANISM, cfg.saslMechanism());
            String module = cfg.saslMechanism().startsWith("SCRAM")
                    ? "org.apache.kafka.common.security.scram.ScramLoginModule"
                    : "org.apache.kafka.common.security.plain.PlainLoginModule";
            p.put(SaslConfigs.SASL_JAAS_CONFIG, module + " required username=\"" + jaasEscape(cfg.username())
                    + "\" password=\"" + jaasEscape(cfg.password()) + "\";");
        }
        if (tls) {
            KafkaSettings.Tls t = cfg.tls();
            if (!t.caCrt().isEmpty()) {
                p.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PEM");
                p.put(SslConfigs.SSL_TRUSTSTORE_CERTIFICATES_CONFIG, read(t.caCrt()));
            }
            if (!t.clientCrt().isEmpty()) {
                // Kafka wants the key as PKCS#8 PEM (encrypted PKCS#8 when clientKeyPwd is set)
                p.put(SslConfigs.SSL_KEYSTORE_TYPE_CONFIG, "PEM");
                p.put(SslConfigs.SSL_KEYSTORE_CERTIFICATE_CHAIN_CONFIG, read(t.clientCrt()));
                p.put(SslConfigs.SSL_KEYSTORE_KEY_CONFIG, read(t.clientKey()));
                if (!t.clientKeyPwd().isEmpty()) {
                    p.put(SslConfigs.SSL_KEY_PASSWORD_CONFIG, t.clientKeyPwd());
                }
            }
            if (t.insecureSkipVerify()) {
                // Kafka's client has no "trust anything": this turns off the host name check, the certificate
                // chain is still checked against caCrt (or the JVM's trust store)
                p.put(SslConfigs.SSL_ENDPOINT_IDENTIFICATION_ALGORITHM_CONFIG, "");
            }
        }
        return p;
    }

    /** Largest fetch per partition: a record batch at the committed offset, of OpenIM's small messages, fits. */
    static final int PARTITION_FETCH_BYTES = 1024;

    /**
     * A plain consumer on the same connection settings, for {@link RecordTimestamps}: no group (so it joins none and
     * commits nothing), no offset reset (an offset deleted by retention is an error, not a silent jump), small fetches.
     */
    public static Consumer<byte[], byte[]> timestampConsumer(KafkaSettings cfg) {
        Map<String, Object> p = properties(cfg);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "openim-exporter-timestamps");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, PARTITION_FETCH_BYTES);
        p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, cfg.lagTimestamps().maxBytes());
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000);
        // admin-only keys would be logged as unknown by the consumer
        p.remove(AdminClientConfig.RETRY_BACKOFF_MS_CONFIG);
        p.put(ConsumerConfig.RETRY_BACKOFF_MS_CONFIG, 100);
        return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private static String jaasEscape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    private static String read(String file) {
        try {
            return Files.readString(Path.of(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
