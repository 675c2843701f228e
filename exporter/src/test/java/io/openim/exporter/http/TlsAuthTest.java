package io.openim.exporter.http;

import io.openim.exporter.Closer;
import io.openim.exporter.Exporter;
import io.openim.exporter.TestExporter;
import io.openim.exporter.config.ExporterConfig;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** /metrics over real TLS (BouncyCastle-made certificates), with mTLS and basic auth, as a Prometheus would scrape it. */
class TlsAuthTest {
    @RegisterExtension
    final Closer closer = new Closer();

    @TempDir
    Path dir;

    private static String bcrypt(String version, String password) {
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        return OpenBSDBCrypt.generate(version, password.toCharArray(), salt, 5);
    }

    private Exporter start(String webYaml, boolean lifecycle) throws Exception {
        Path web = dir.resolve("web.yml");
        Files.writeString(web, webYaml);
        ExporterConfig config = TestExporter.config("discovery:\n  enabled: false\n");
        HttpEndpoints.Options options = new HttpEndpoints.Options("127.0.0.1", 0, "/metrics", WebConfig.load(web), web, lifecycle);
        return closer.keep(Exporter.start(config, false, options, () -> config));
    }

    private static HttpResponse<String> get(SSLContext tls, int port, String path, String user, String password) throws Exception {
        HttpClient client = HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(5));
        if (user != null) {
            b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void basicAuthOverTlsWithConfiguredHeaders() throws Exception {
        TestCerts.Issued ca = TestCerts.ca("test-ca");
        Path certs = Files.createDirectories(dir.resolve("certs"));
        TestCerts.leaf(ca, "server-1").write(certs, "server");
        Exporter e = start("""
                tls_server_config:
                  cert_file: certs/server.crt
                  key_file: certs/server.key
                http_server_config:
                  headers:
                    X-Frame-Options: deny
                    X-Content-Type-Options: nosniff
                basic_auth_users:
                  alice: %s
                  bob: %s
                """.formatted(bcrypt("2y", "alice-pw"), bcrypt("2b", "bob-pw")), false);
        SSLContext tls = TestCerts.client(ca, null);
        int port = e.port();

        HttpResponse<String> anonymous = get(tls, port, "/metrics", null, null);
        assertEquals(401, anonymous.statusCode());
        assertTrue(anonymous.headers().firstValue("WWW-Authenticate").orElseThrow().startsWith("Basic realm="));
        assertEquals("deny", anonymous.headers().firstValue("X-Frame-Options").orElseThrow(), "configured headers on a 401 too");

        HttpResponse<String> alice = get(tls, port, "/metrics", "alice", "alice-pw");
        assertEquals(200, alice.statusCode(), "a $2y$ hash, as htpasswd writes it");
        assertTrue(alice.body().contains("openim_exporter_build_info"), alice.body());
        assertEquals("nosniff", alice.headers().firstValue("X-Content-Type-Options").orElseThrow());
        assertEquals("CN=server-1", ((X509Certificate) alice.sslSession().orElseThrow().getPeerCertificates()[0]).getSubjectX500Principal().getName());
        assertEquals(200, get(tls, port, "/metrics", "bob", "bob-pw").statusCode(), "a $2b$ hash");

        assertEquals(401, get(tls, port, "/metrics", "alice", "bob-pw").statusCode(), "bad password");
        assertEquals(401, get(tls, port, "/metrics", "mallory", "alice-pw").statusCode(), "unknown user");
        assertEquals(401, get(tls, port, "/", null, null).statusCode(), "the landing page shows errors: it needs a user");
        assertEquals(403, get(tls, port, "/-/reload", "alice", "alice-pw").statusCode(), "lifecycle is off by default");
        HttpResponse<String> healthy = get(tls, port, "/-/healthy", null, null);
        assertEquals(200, healthy.statusCode(), "probes stay open");
        assertEquals("deny", healthy.headers().firstValue("X-Frame-Options").orElseThrow());
        assertEquals(200, get(tls, port, "/-/ready", null, null).statusCode());

        assertThrows(IOException.class, () -> HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/-/healthy")).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()),
                "plain HTTP is not served next to TLS");
        assertThrows(IOException.class, () -> get(TestCerts.client(TestCerts.ca("other-ca"), null), port, "/-/healthy", null, null),
                "a client that does not trust the CA");

        // a renewed certificate is picked up by the next connection, without a reload
        Thread.sleep(20);
        TestCerts.leaf(ca, "server-2").write(certs, "server");
        // a fresh client context: one that resumes its TLS session is not shown a certificate again
        HttpResponse<String> renewed = get(TestCerts.client(ca, null), port, "/metrics", "alice", "alice-pw");
        assertEquals("CN=server-2", ((X509Certificate) renewed.sslSession().orElseThrow().getPeerCertificates()[0]).getSubjectX500Principal().getName());

        // a reload re-reads the users
        Files.writeString(dir.resolve("web.yml"), Files.readString(dir.resolve("web.yml")).replaceAll("alice: .*", java.util.regex.Matcher.quoteReplacement("alice: " + bcrypt("2y", "new-pw"))));
        assertEquals("", e.reload());
        assertEquals(401, get(tls, port, "/metrics", "alice", "alice-pw").statusCode());
        assertEquals(200, get(tls, port, "/metrics", "alice", "new-pw").statusCode());
    }

    @Test
    void mutualTlsVerifiesClientsAgainstTheCaAndTheAllowedNames() throws Exception {
        TestCerts.Issued ca = TestCerts.ca("test-ca");
        TestCerts.Issued clientCa = TestCerts.ca("client-ca");
        TestCerts.leaf(ca, "server").write(dir, "server");
        clientCa.write(dir, "client-ca");
        Exporter e = start("""
                tls_server_config:
                  cert_file: server.crt
                  key_file: server.key
                  client_auth_type: RequireAndVerifyClientCert
                  client_ca_file: client-ca.crt
                  client_allowed_sans: [prometheus]
                  min_version: TLS12
                """, false);
        int port = e.port();
        assertEquals(200, get(TestCerts.client(ca, TestCerts.leaf(clientCa, "prometheus")), port, "/metrics", null, null).statusCode());
        assertEquals(403, get(TestCerts.client(ca, TestCerts.leaf(clientCa, "someone-else")), port, "/metrics", null, null).statusCode(),
                "a verified certificate without an allowed name");
        assertThrows(IOException.class, () -> get(TestCerts.client(ca, null), port, "/metrics", null, null), "no client certificate");
        TestCerts.Issued stranger = TestCerts.leaf(TestCerts.ca("stranger-ca"), "prometheus");
        assertThrows(IOException.class, () -> get(TestCerts.client(ca, stranger), port, "/metrics", null, null),
                "a client certificate from another CA");
    }
}
