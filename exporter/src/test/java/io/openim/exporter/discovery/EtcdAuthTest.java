package io.openim.exporter.discovery;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.openim.exporter.Closer;
import io.openim.exporter.Exporter;
import io.openim.exporter.Scrape;
import io.openim.exporter.TestExporter;
import io.openim.sandbox.EtcdRegistrant;
import io.openim.sandbox.EtcdServer;
import io.openim.sandbox.LiveEndpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * etcd with authentication on, as discovery.yml's username/password set it: an exporter given a user
 * that may only read {@code openim/} sees everything (it never writes), and a wrong password shows as
 * a down source with a clear error. Uses an etcd of its own, since auth applies to the whole server.
 */
class EtcdAuthTest {
    @RegisterExtension
    final Closer closer = new Closer();

    private static ByteSequence b(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }

    private Exporter exporter(EtcdServer etcd, String user, String password) throws Exception {
        return closer.keep(TestExporter.start("""
                discovery:
                  interval: 1s
                  timeout: 1s
                  probe: {timeout: 300ms}
                  etcd:
                    endpoints: ["%s"]
                    username: %s
                    password: %s
                    timeout: 500ms
                """.formatted(etcd.endpoint(), user, password)));
    }

    @Test
    void readOnlyUserIsEnoughAndWrongPasswordIsReported() throws Exception {
        EtcdServer etcd = closer.keep(EtcdServer.start());
        EtcdRegistrant reg = closer.keep(new EtcdRegistrant(etcd.endpoint(), "openim", 30));
        reg.register("user", closer.keep(new LiveEndpoint()).address());
        reg.register("msg", closer.keep(new LiveEndpoint()).address());

        etcd.enableAuthWithReader("openim/", "exporter", "readonly");

        Exporter ok = exporter(etcd, "exporter", "readonly");
        Scrape.awaitValue(ok, Duration.ofSeconds(15), "openim_discovery_endpoints", 1, "registry", "etcd", "service", "user");
        Scrape.awaitValue(ok, Duration.ofSeconds(5), "openim_exporter_source_up", 1, "source", "etcd");

        // a deregistration by an authorised writer reaches the read-only watch
        try (Client root = Client.builder().endpoints(etcd.url()).user(b("root")).password(b(EtcdServer.ROOT_PASSWORD)).build()) {
            root.getKVClient().delete(b(reg.key("msg", Scrape.of(ok.port()).text().lines()
                    .filter(l -> l.startsWith("openim_discovery_endpoint_up{") && l.contains("service=\"msg\""))
                    .map(l -> l.replaceAll(".*address=\"([^\"]+)\".*", "$1")).findFirst().orElseThrow()))).get(5, TimeUnit.SECONDS);
        }
        Scrape.awaitValue(ok, Duration.ofSeconds(5), "openim_discovery_endpoints", 0, "registry", "etcd", "service", "msg");

        Exporter wrong = exporter(etcd, "exporter", "not-the-password");
        Scrape.awaitValue(wrong, Duration.ofSeconds(15), "openim_exporter_source_up", 0, "source", "etcd");
        String page = Scrape.get(wrong.port(), "/").body();
        assertTrue(page.contains("authentication failed: check discovery.etcd.username and password"), "the landing page says why: " + page);
    }
}
