package io.openim.exporter.http;

import io.openim.exporter.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** --web.config.file in exporter-toolkit's format, read strictly: every mistake is one line naming the key. */
class WebConfigTest {
    private static final String HASH = "$2y$10$mDwo.lAisC94iLAyP81MCesa29IzH37oigHC/42V2pdJlUprsJPze";

    @TempDir
    Path dir;

    private WebConfig load(String yaml) throws Exception {
        Path f = dir.resolve("web.yml");
        Files.writeString(f, yaml);
        return WebConfig.load(f);
    }

    private String error(String yaml) {
        String m = assertThrows(ConfigException.class, () -> load(yaml)).getMessage();
        assertFalse(m.contains("\n"), "one line: " + m);
        return m;
    }

    @Test
    void usersAndHeadersAndNoTls() throws Exception {
        WebConfig c = load("""
                basic_auth_users:
                  alice: %s
                http_server_config:
                  http2: false
                  headers:
                    X-Frame-Options: deny
                    Strict-Transport-Security: max-age=31536000
                """.formatted(HASH));
        assertFalse(c.tlsEnabled());
        assertEquals(HASH, c.users().get("alice"));
        assertEquals("deny", c.headers().get("X-Frame-Options"));
        assertFalse(load("").tlsEnabled(), "an empty file is no TLS, no auth");
    }

    @Test
    void unknownKeysAreNamed() {
        assertTrue(error("tls_server_config:\n  cert_file: a\n  key_file: b\n  cert_fle: c\n").contains("tls_server_config.cert_fle: unknown field"));
        assertTrue(error("basic_auth_user:\n  alice: " + HASH + "\n").contains("basic_auth_user: unknown field"));
        assertTrue(error("rate_limit:\n  burst: 1\n").contains("rate_limit: unknown field"));
        assertTrue(error("http_server_config:\n  header:\n    X-Frame-Options: deny\n").contains("http_server_config.header: unknown field"));
    }

    @Test
    void badValuesAreNamed() {
        assertTrue(error("basic_auth_users:\n  alice: secret\n").contains("basic_auth_users.alice: not a bcrypt hash"));
        assertTrue(error("basic_auth_users:\n  alice: " + HASH + "\n  alice: " + HASH + "\n").contains("alice"), "duplicate key");
        assertTrue(error("http_server_config:\n  headers:\n    Set-Cookie: a=b\n").contains("headers.Set-Cookie: this header cannot be configured"));
        assertTrue(error("http_server_config:\n  headers:\n    X-Frame-Options: allow-all\n").contains("headers.X-Frame-Options: expected one of"));
        assertTrue(error("http_server_config:\n  headers:\n    Content-Security-Policy: \"a\\r\\nSet-Cookie: x=1\"\n")
                .contains("headers.Content-Security-Policy: control characters"), "no header injection through a value");
        assertTrue(error("tls_server_config:\n  key_file: b\n").contains("tls_server_config.cert_file: missing"));
    }

    @Test
    void keysAsOpensslWritesThemLoad() throws Exception {
        // SEC1 "EC PRIVATE KEY" and PKCS#1 "RSA PRIVATE KEY", the formats Go's tls.X509KeyPair also reads
        openssl("ecparam", "-genkey", "-name", "prime256v1", "-noout", "-out", "ec.key");
        openssl("req", "-new", "-x509", "-key", "ec.key", "-subj", "/CN=ec", "-days", "1", "-out", "ec.crt");
        openssl("genrsa", "-traditional", "-out", "rsa.key", "2048");
        openssl("req", "-new", "-x509", "-key", "rsa.key", "-subj", "/CN=rsa", "-days", "1", "-out", "rsa.crt");
        assertTrue(Files.readString(dir.resolve("ec.key")).contains("BEGIN EC PRIVATE KEY"));
        assertTrue(Files.readString(dir.resolve("rsa.key")).contains("BEGIN RSA PRIVATE KEY"));
        assertTrue(load("tls_server_config: {cert_file: ec.crt, key_file: ec.key}\n").tlsEnabled());
        assertTrue(load("tls_server_config: {cert_file: rsa.crt, key_file: rsa.key}\n").tlsEnabled());
        assertTrue(error("tls_server_config: {cert_file: rsa.crt, key_file: ec.key}\n")
                .contains("tls_server_config.key_file: the private key does not match the certificate's public key"));
    }

    private void openssl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), "openssl (Debian package openssl) " + String.join(" ", args) + ": " + out);
    }

    @Test
    void anEndlessFileIsRefusedWithoutReadingItAll() {
        String m = assertThrows(ConfigException.class, () -> WebConfig.load(Path.of("/dev/zero"))).getMessage();
        assertTrue(m.contains("larger than 1 MiB"), m);
    }

    @Test
    void tlsFilesAreRelativeToTheConfigAndChecked() throws Exception {
        TestCerts.Issued ca = TestCerts.ca("ca");
        Path certs = Files.createDirectories(dir.resolve("certs"));
        TestCerts.leaf(ca, "server").write(certs, "server");
        ca.write(certs, "ca");
        WebConfig c = load("""
                tls_server_config:
                  cert_file: certs/server.crt
                  key_file: certs/server.key
                  client_auth_type: RequireAndVerifyClientCert
                  client_ca_file: certs/ca.crt
                  min_version: TLS13
                  cipher_suites: [TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305]
                """);
        assertTrue(c.tlsEnabled());
        assertEquals(dir.resolve("certs/server.crt").toAbsolutePath(), c.resolve(c.tls().certFile()));

        assertTrue(error("tls_server_config:\n  cert_file: certs/none.crt\n  key_file: certs/server.key\n")
                .contains("tls_server_config.cert_file: cannot read " + dir.resolve("certs/none.crt").toAbsolutePath()));
        assertTrue(error("tls_server_config:\n  cert_file: certs/server.crt\n  key_file: certs/server.key\n  client_auth_type: RequireAndVerifyClientCert\n")
                .contains("tls_server_config.client_ca_file: required when client_auth_type is RequireAndVerifyClientCert"));
        assertTrue(error("tls_server_config:\n  cert_file: certs/server.crt\n  key_file: certs/server.key\n  client_auth_type: Always\n")
                .contains("tls_server_config.client_auth_type: expected one of"));
        assertTrue(error("tls_server_config:\n  cert_file: certs/server.crt\n  key_file: certs/server.key\n  min_version: TLS14\n")
                .contains("tls_server_config.min_version: expected one of"));
        assertTrue(error("tls_server_config:\n  cert_file: certs/server.crt\n  key_file: certs/server.key\n  min_version: TLS13\n  max_version: TLS12\n")
                .contains("tls_server_config.min_version: TLS13 is above max_version TLS12"));
        assertTrue(error("tls_server_config:\n  cert_file: certs/server.crt\n  key_file: certs/server.key\n  cipher_suites: [TLS_FAKE]\n")
                .contains("tls_server_config.cipher_suites: unknown or unsupported cipher suite 'TLS_FAKE'"));
        assertTrue(error("tls_server_config:\n  cert_file: certs/server.crt\n  key_file: certs/ca.key\n")
                .contains("tls_server_config.key_file"), "a key that is not the certificate's");
        Files.writeString(certs.resolve("garbage.crt"), "not a certificate");
        assertTrue(error("tls_server_config:\n  cert_file: certs/garbage.crt\n  key_file: certs/server.key\n")
                .contains("tls_server_config.cert_file: no certificate"));
    }
}
