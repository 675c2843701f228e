package io.openim.exporter.http;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.openim.exporter.config.ConfigException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The web configuration file of every Prometheus exporter ({@code --web.config.file}), in exporter-toolkit's format:
 * keys and defaults as in prometheus/exporter-toolkit docs/web-configuration.md. Parsing is strict: an unknown key, a
 * duplicate key or a key this exporter cannot honour is a one-line error naming it, never silently ignored.
 * Relative file names are resolved against the web config file's directory.
 *
 * @param dir the web config file's directory
 */
public record WebConfig(Tls tls, HttpServer http, Map<String, String> users, Path dir) {
    /** The headers exporter-toolkit lets an operator set, with the values it accepts (empty: any value). */
    static final Map<String, Set<String>> HEADERS = Map.of(
            "Content-Security-Policy", Set.of(),
            "X-Frame-Options", Set.of("deny", "sameorigin"),
            "X-Content-Type-Options", Set.of("nosniff"),
            "X-XSS-Protection", Set.of(),
            "Strict-Transport-Security", Set.of());
    static final Map<String, String> TLS_VERSIONS = Map.of("TLS10", "TLSv1", "TLS11", "TLSv1.1", "TLS12", "TLSv1.2", "TLS13", "TLSv1.3");
    static final List<String> CLIENT_AUTH = List.of("NoClientCert", "RequestClientCert", "RequireAnyClientCert",
            "VerifyClientCertIfGiven", "RequireAndVerifyClientCert");
    private static final Pattern BCRYPT = Pattern.compile("\\$2[aby]\\$\\d\\d\\$[./A-Za-z0-9]{53}");

    /** No file: plain HTTP, no authentication. */
    public static final WebConfig NONE = new WebConfig(null, null, Map.of(), Path.of("."));

    private static final YAMLMapper MAPPER = YAMLMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .build();

    public record Tls(@JsonProperty("cert_file") String certFile, @JsonProperty("key_file") String keyFile,
                      @JsonProperty("cert") String cert, @JsonProperty("key") String key,
                      @JsonProperty("client_ca_file") String clientCaFile, @JsonProperty("client_ca") String clientCa,
                      @JsonProperty("client_auth_type") String clientAuthType,
                      @JsonProperty("client_allowed_sans") List<String> clientAllowedSans,
                      @JsonProperty("min_version") String minVersion, @JsonProperty("max_version") String maxVersion,
                      @JsonProperty("cipher_suites") List<String> cipherSuites,
                      @JsonProperty("prefer_server_cipher_suites") Boolean preferServerCipherSuites,
                      @JsonProperty("curve_preferences") List<String> curvePreferences) {
        public Tls {
            clientAuthType = clientAuthType != null ? clientAuthType : "NoClientCert";
            clientAllowedSans = clientAllowedSans != null ? List.copyOf(clientAllowedSans) : List.of();
            minVersion = minVersion != null ? minVersion : "TLS12";
            maxVersion = maxVersion != null ? maxVersion : "TLS13";
            cipherSuites = cipherSuites != null ? List.copyOf(cipherSuites) : List.of();
            preferServerCipherSuites = preferServerCipherSuites != null ? preferServerCipherSuites : true;
        }

        /** Whether client certificates are checked against {@code client_ca}: the two Verify… policies. */
        boolean verifiesClients() {
            return clientAuthType.startsWith("Verify") || clientAuthType.equals("RequireAndVerifyClientCert");
        }
    }

    public record HttpServer(@JsonProperty("http2") Boolean http2, @JsonProperty("headers") Map<String, String> headers) {
        public HttpServer {
            headers = headers != null ? Map.copyOf(headers) : Map.of();
        }
    }

    private record File(@JsonProperty("tls_server_config") Tls tls, @JsonProperty("http_server_config") HttpServer http,
                        @JsonProperty("basic_auth_users") Map<String, String> users) {
    }

    public boolean tlsEnabled() {
        return tls != null;
    }

    public Map<String, String> headers() {
        return http == null ? Map.of() : http.headers();
    }

    /** A file named in a TLS setting, relative to the web config's directory. */
    Path resolve(String file) {
        return dir.resolve(file);
    }

    /** Reads and validates {@code file}; every problem is one line naming the key. */
    public static WebConfig load(Path file) throws ConfigException {
        String where = "--web.config.file: " + file + ": ";
        String text;
        try (java.io.InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes((1 << 20) + 1);  // bounded: /dev/zero or a log file given by mistake
            if (bytes.length > 1 << 20) {
                throw new ConfigException(where + "larger than 1 MiB, not a web config");
            }
            text = new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(where + "cannot read: " + e.getClass().getSimpleName() + " " + e.getMessage());
        }
        File read;
        try {
            read = text.isBlank() ? null : MAPPER.readValue(text, File.class);
        } catch (JsonProcessingException e) {
            throw new ConfigException(where + describe(e));
        }
        if (read == null) {
            read = new File(null, null, null);
        }
        Path dir = file.toAbsolutePath().getParent();
        WebConfig c = new WebConfig(read.tls(), read.http(), read.users() == null ? Map.of() : new LinkedHashMap<>(read.users()), dir);
        c.validate(where);
        return c;
    }

    private void validate(String where) throws ConfigException {
        if (tls != null) {
            validateTls(where);
        }
        if (http != null) {
            for (Map.Entry<String, String> h : http.headers().entrySet()) {
                Set<String> allowed = HEADERS.get(h.getKey());
                String key = "http_server_config.headers." + h.getKey();
                if (allowed == null) {
                    throw new ConfigException(where + key + ": this header cannot be configured (allowed: "
                            + HEADERS.keySet().stream().sorted().collect(Collectors.joining(", ")) + ")");
                }
                String v = h.getValue() == null ? "" : h.getValue();
                if (v.chars().anyMatch(ch -> ch < 0x20 || ch == 0x7f)) {
                    throw new ConfigException(where + key + ": control characters (CR, LF …) are not allowed in a header value");
                }
                if (!allowed.isEmpty() && !v.isEmpty() && !allowed.contains(v.toLowerCase())) {
                    throw new ConfigException(where + key + ": expected one of " + String.join(", ", allowed) + ", got '" + v + "'");
                }
            }
        }
        for (Map.Entry<String, String> u : users.entrySet()) {
            if (u.getKey().contains(":") || u.getKey().isEmpty()) {
                throw new ConfigException(where + "basic_auth_users: a user name must be non-empty and cannot contain ':'");
            }
            if (u.getValue() == null || !BCRYPT.matcher(u.getValue()).matches()) {
                throw new ConfigException(where + "basic_auth_users." + u.getKey()
                        + ": not a bcrypt hash ($2y$, $2b$ or $2a$; see htpasswd -nBC 10 \"\")");
            }
        }
    }

    private void validateTls(String where) throws ConfigException {
        String t = "tls_server_config.";
        if (tls.certFile() != null && tls.cert() != null) {
            throw new ConfigException(where + t + "cert: give cert or cert_file, not both");
        }
        if (tls.keyFile() != null && tls.key() != null) {
            throw new ConfigException(where + t + "key: give key or key_file, not both");
        }
        if (tls.clientCaFile() != null && tls.clientCa() != null) {
            throw new ConfigException(where + t + "client_ca: give client_ca or client_ca_file, not both");
        }
        if (tls.certFile() == null && tls.cert() == null) {
            throw new ConfigException(where + t + "cert_file: missing (a server certificate is required for TLS)");
        }
        if (tls.keyFile() == null && tls.key() == null) {
            throw new ConfigException(where + t + "key_file: missing (the certificate's private key is required for TLS)");
        }
        if (!CLIENT_AUTH.contains(tls.clientAuthType())) {
            throw new ConfigException(where + t + "client_auth_type: expected one of " + String.join(", ", CLIENT_AUTH)
                    + ", got '" + tls.clientAuthType() + "'");
        }
        boolean hasCa = tls.clientCaFile() != null || tls.clientCa() != null;
        if (tls.verifiesClients() && !hasCa) {
            throw new ConfigException(where + t + "client_ca_file: required when client_auth_type is " + tls.clientAuthType());
        }
        if (!tls.clientAllowedSans().isEmpty() && !Set.of("RequireAnyClientCert", "RequireAndVerifyClientCert").contains(tls.clientAuthType())) {
            throw new ConfigException(where + t + "client_allowed_sans: needs client_auth_type RequireAnyClientCert or RequireAndVerifyClientCert");
        }
        for (String v : new String[]{"min_version", "max_version"}) {
            String value = v.equals("min_version") ? tls.minVersion() : tls.maxVersion();
            if (!TLS_VERSIONS.containsKey(value)) {
                throw new ConfigException(where + t + v + ": expected one of TLS10, TLS11, TLS12, TLS13, got '" + value + "'");
            }
        }
        if (tls.minVersion().compareTo(tls.maxVersion()) > 0) {
            throw new ConfigException(where + t + "min_version: " + tls.minVersion() + " is above max_version " + tls.maxVersion());
        }
        if (tls.curvePreferences() != null && !tls.curvePreferences().isEmpty()) {
            // Java 17 sets key-exchange groups only JVM-wide (jdk.tls.namedGroups), not per server
            throw new ConfigException(where + t + "curve_preferences: not supported by this exporter (use the JVM's -Djdk.tls.namedGroups)");
        }
        // files must exist and parse now, so a bad path is a config error and not a failed handshake later
        try {
            TlsMaterial.read(this);
        } catch (IOException | java.security.GeneralSecurityException | RuntimeException e) {
            throw new ConfigException(where + t + e.getMessage());
        }
        for (String suite : tls.cipherSuites()) {
            if (TlsMaterial.javaCipherSuite(suite) == null) {
                throw new ConfigException(where + t + "cipher_suites: unknown or unsupported cipher suite '" + suite + "'");
            }
        }
    }

    private static String describe(JsonProcessingException e) {
        String path = e instanceof JsonMappingException jm ? jm.getPath().stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[") : "";
        String problem;
        if (e instanceof UnrecognizedPropertyException u) {
            problem = "unknown field (known fields here: " + u.getKnownPropertyIds().stream().map(Object::toString).sorted()
                    .collect(Collectors.joining(", ")) + ")";
        } else {
            String m = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
            problem = m.lines().findFirst().orElse("invalid YAML");
            if (e.getLocation() != null && path.isEmpty()) {
                problem = "line " + e.getLocation().getLineNr() + ": " + problem;
            }
        }
        return path.isEmpty() ? problem : path + ": " + problem;
    }
}
