package io.openim.exporter;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every bad config gets one line naming the field and the problem, exit code 2, no stack trace. */
class MalformedConfigTest {
    @TempDir
    Path dir;

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("port is text", "server:\n  port: abc\n", "server.port: expected an integer, got 'abc'"),
                Arguments.of("boolean is text", "discovery:\n  etcd:\n    enabled: maybe\n", "discovery.etcd.enabled: expected true or false"),
                Arguments.of("list is a scalar", "discovery:\n  etcd:\n    endpoints: 127.0.0.1:2379\n", "discovery.etcd.endpoints: expected a list"),
                Arguments.of("section is a scalar", "discovery: yes\n", "discovery: expected a mapping"),
                Arguments.of("unknown top-level key", "metrics:\n  port: 1\n", "metrics: unknown field"),
                Arguments.of("unknown nested key", "discovery:\n  etcd:\n    endpoint: [127.0.0.1:2379]\n", "discovery.etcd.endpoint: unknown field (known fields here: enabled, endpoints,"),
                Arguments.of("address without port", "discovery:\n  etcd:\n    endpoints: [127.0.0.1]\n", "discovery.etcd.endpoints[0]: invalid address '127.0.0.1' (want host:port or http://host:port)"),
                Arguments.of("address port out of range", "discovery:\n  etcd:\n    endpoints: ['127.0.0.1:2379', 'etcd:99999']\n", "discovery.etcd.endpoints[1]: port must be between 1 and 65535, got 99999"),
                Arguments.of("zookeeper address with scheme", "discovery:\n  zookeeper:\n    enabled: true\n    address: ['http://zk:2181']\n", "discovery.zookeeper.address[0]: invalid address 'http://zk:2181' (want host:port)"),
                Arguments.of("empty address list", "discovery:\n  etcd:\n    endpoints: []\n", "discovery.etcd.endpoints: must list at least one host:port"),
                Arguments.of("listen port out of range", "server:\n  port: 70000\n", "server.port: must be between 0 and 65535, got 70000"),
                Arguments.of("duration without unit", "discovery:\n  interval: 15\n", "discovery.interval: expected a duration such as 500ms, 15s or 1m"),
                Arguments.of("duration with bad unit", "discovery:\n  interval: 15x\n", "discovery.interval: expected a duration such as 500ms, 15s or 1m (at most 8760h), got '15x'"),
                Arguments.of("zero interval", "discovery:\n  interval: 0s\n", "discovery.interval: must be greater than 0"),
                Arguments.of("timeout longer than interval", "discovery:\n  interval: 5s\n  timeout: 10s\n", "discovery.timeout: must not be longer than discovery.interval (5s)"),
                Arguments.of("check timeout too short for its registries", "discovery:\n  timeout: 2s\n  etcd:\n    timeout: 2s\n", "discovery.timeout: must be longer than the slowest enabled registry timeout plus probe.timeout (3s), got 2s"),
                Arguments.of("unknown generation", "discovery:\n  generation: v4\n", "discovery.generation: unknown value 'v4' (want one of auto, main, v3.7, v3.8)"),
                Arguments.of("unknown log format", "log:\n  format: xml\n", "log.format: unknown value 'xml' (want one of json, text)"),
                Arguments.of("unknown probe mode", "discovery:\n  probe:\n    mode: icmp\n", "discovery.probe.mode: unknown value 'icmp'"),
                Arguments.of("root directory with slash", "discovery:\n  etcd:\n    rootDirectory: /openim\n", "discovery.etcd.rootDirectory: must be a non-empty key prefix"),
                Arguments.of("kubernetes resolver", "discovery:\n  kubernetes:\n    resolver: consul\n", "discovery.kubernetes.resolver: unknown value 'consul' (want one of auto, dns, kuberesolver)"),
                Arguments.of("kubeconfig missing", "discovery:\n  kubernetes:\n    enabled: true\n    kubeconfig: /nonexistent/kubeconfig\n", "discovery.kubernetes.kubeconfig: no readable file '/nonexistent/kubeconfig'"),
                Arguments.of("no registry enabled", "discovery:\n  etcd:\n    enabled: false\n", "discovery: enabled, but none of discovery.etcd.enabled, discovery.zookeeper.enabled, discovery.kubernetes.enabled is true"),
                Arguments.of("unset environment variable", "discovery:\n  etcd:\n    username: root\n    password: ${OPENIM_EXPORTER_TEST_UNSET_VAR}\n", "discovery.etcd.password: environment variable OPENIM_EXPORTER_TEST_UNSET_VAR is not set"),
                Arguments.of("missing password file", "discovery:\n  etcd:\n    username: root\n    passwordFile: /nonexistent/etcd-password\n", "discovery.etcd.passwordFile: cannot read /nonexistent/etcd-password: no such file"),
                Arguments.of("password and password file", "discovery:\n  etcd:\n    username: root\n    password: x\n    passwordFile: /etc/hostname\n", "discovery.etcd.passwordFile: set either password or passwordFile, not both"),
                Arguments.of("password without user", "discovery:\n  etcd:\n    password: secret\n", "discovery.etcd.username: is required when a password is set"),
                Arguments.of("unknown logs start", "logs:\n  start: middle\n", "logs.start: unknown value 'middle' (want one of beginning, end)"),
                Arguments.of("logs without any glob", "logs:\n  paths: []\n", "logs.paths: must list at least one glob when logs.podPaths is empty"),
                Arguments.of("logs signature with both", "logs:\n  signatures: [{name: x, literal: a, regex: b}]\n", "logs.signatures[0]: set exactly one of literal or regex"),
                Arguments.of("logs signature bad regex", "logs:\n  signatures: [{name: x, regex: 'a(b'}]\n", "logs.signatures[0].regex: invalid regex: Unclosed group"),
                Arguments.of("logs signature bad name", "logs:\n  signatures: [{name: My-Error, literal: a}]\n", "logs.signatures[0].name: must be a lower-case name"),
                Arguments.of("logs maxServices zero", "logs:\n  maxServices: 0\n", "logs.maxServices: must be between 1 and 1000, got 0"),
                Arguments.of("logs unknown key", "logs:\n  path: [a]\n", "logs.path: unknown field (known fields here:"),
                Arguments.of("kafka address without port", "kafka:\n  address: [kafka]\n", "kafka.address[0]: invalid address 'kafka' (want host:port)"),
                Arguments.of("kafka unknown SASL mechanism", "kafka:\n  saslMechanism: GSSAPI\n", "kafka.saslMechanism: unknown value 'GSSAPI' (want one of PLAIN, SCRAM-SHA-256, SCRAM-SHA-512)"),
                Arguments.of("kafka bad allow regex", "kafka:\n  allow: ['(open']\n", "kafka.allow[0]: invalid regex '(open'"),
                Arguments.of("kafka unknown granularity", "kafka:\n  granularity: broker\n", "kafka.granularity: unknown value 'broker' (want one of partition, topic)"),
                Arguments.of("kafka timeout longer than interval", "kafka:\n  interval: 5s\n  timeout: 10s\n", "kafka.timeout: must not be longer than kafka.interval (5s)"),
                Arguments.of("kafka window too small", "kafka:\n  statusWindow: 1\n", "kafka.statusWindow: must be between 3 and 1000 cycles, got 1"),
                Arguments.of("kafka no group to watch", "kafka:\n  groups: []\n", "kafka.groups: is empty and neither allGroups nor allow is set"),
                Arguments.of("kafka missing CA file", "kafka:\n  tls:\n    enableTLS: true\n    caCrt: /nonexistent/ca.crt\n", "kafka.tls.caCrt: cannot read /nonexistent/ca.crt: no such file"),
                Arguments.of("kafka password without user", "kafka:\n  password: x\n", "kafka.username: is required when a password is set"),
                Arguments.of("kafka unknown key", "kafka:\n  brokers: [k:9092]\n", "kafka.brokers: unknown field"),
                Arguments.of("seq shard not i/n", "seq:\n  shard: half\n", "seq.shard: must be i/n such as 0/1 or 2/4, got 'half'"),
                Arguments.of("seq shard index out of range", "seq:\n  shard: 2/2\n", "seq.shard: needs n >= 1 and 0 <= i < n, got '2/2'"),
                Arguments.of("seq unknown redis mode", "seq:\n  redis:\n    mode: replica\n", "seq.redis.mode: unknown value 'replica' (want one of cluster, sentinel, standalone)"),
                Arguments.of("seq cluster with a database", "seq:\n  redis:\n    mode: cluster\n    db: 3\n", "seq.redis.db: must be 0 in cluster mode"),
                Arguments.of("seq ACL user without password", "seq:\n  redis:\n    username: reader\n", "seq.redis.password: is required when a username is set (ACL user)"),
                Arguments.of("seq mongo uri scheme", "seq:\n  mongo:\n    uri: http://mongo:27017\n", "seq.mongo.uri: must start with mongodb:// or mongodb+srv://"),
                Arguments.of("seq timeout shorter than the stores'", "seq:\n  timeout: 4s\n  redis:\n    timeout: 3s\n", "seq.timeout: must be longer than seq.redis.timeout plus seq.mongo.timeout (8s), got 4s"),
                Arguments.of("seq budget too small", "seq:\n  opsPerSecond: 1\n", "seq.opsPerSecond: must be between 10 and 10000000, got 1"),
                Arguments.of("seq unknown key", "seq:\n  redis:\n    adress: [r:1]\n", "seq.redis.adress: unknown field"),
                Arguments.of("invalid YAML", "server:\n  port: [9400\n", "is not valid YAML at line"),
                Arguments.of("top level is a list", "- server\n- port\n", "must hold a YAML mapping at the top, not a array"),
                Arguments.of("empty file", "", "is empty"),
                Arguments.of("only a comment", "# nothing here\n", "is empty"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void badConfigGetsOneLineAndExitCode2(String name, String yaml, String expected) throws IOException {
        Path file = dir.resolve("exporter.yml");
        Files.writeString(file, yaml);
        assertOneLineError(List.of("check-config", "--config", file.toString()), expected);
        // the run command validates the same way, before it binds a port
        assertOneLineError(List.of("run", "--config", file.toString()), expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("otherCases")
    void badFilesAndDirectories(String name, List<String> args, String expected) {
        assertOneLineError(args, expected);
    }

    static Stream<Arguments> otherCases() throws IOException {
        Path openim = Files.createTempDirectory("openim-config");
        Files.writeString(openim.resolve("discovery.yml"), "enable: consul\netcd:\n  rootDirectory: openim\n");
        Path empty = Files.createTempDirectory("openim-empty");
        Path badYaml = Files.createTempDirectory("openim-bad");
        Path badList = Files.createTempDirectory("openim-list");
        Files.writeString(badList.resolve("share.yml"), "env: zookeeper\n");
        Files.writeString(badList.resolve("zookeeper.yml"), "schema: openim\naddress: {host: zk}\n");
        Files.writeString(badYaml.resolve("discovery.yml"), "enable: etcd\netcd: [\n");
        return Stream.of(
                Arguments.of("missing config file", List.of("check-config", "--config", "/nonexistent/exporter.yml"), "--config: cannot read /nonexistent/exporter.yml: no such file"),
                Arguments.of("missing OpenIM directory", List.of("check-config", "--openim-config", "/nonexistent/openim"), "--openim-config: directory /nonexistent/openim does not exist"),
                Arguments.of("OpenIM directory without discovery files", List.of("check-config", "--openim-config", empty.toString()), "has none of discovery.yml, share.yml, zookeeper.yml"),
                Arguments.of("OpenIM unknown registry", List.of("check-config", "--openim-config", openim.toString()), "--openim-config: discovery.yml: enable: unknown registry 'consul' (want etcd, zookeeper or kubernetes)"),
                Arguments.of("OpenIM address not a list", List.of("check-config", "--openim-config", badList.toString()), "--openim-config: zookeeper.yml: address: expected a list of host:port"),
                Arguments.of("OpenIM file not YAML", List.of("check-config", "--openim-config", badYaml.toString()), "discovery.yml is not valid YAML"),
                Arguments.of("config is /dev/zero", List.of("check-config", "--config", "/dev/zero"), "--config: /dev/zero is larger than 1 MiB"),
                Arguments.of("unknown option", List.of("--confg", "x.yml"), "Unknown options: '--confg'"));
    }

    private static void assertOneLineError(List<String> args, String expected) {
        Cli cli = Cli.run(args.toArray(String[]::new));
        int code = cli.code();
        String message = cli.err().strip();
        assertEquals(2, code, "exit code for " + args + ", stderr: " + message);
        List<String> lines = new ArrayList<>(message.lines().toList());
        assertEquals(1, lines.size(), "exactly one line on stderr, got:\n" + message);
        assertTrue(message.startsWith("openim-exporter: "), message);
        assertTrue(message.contains(expected), "expected '" + expected + "' in: " + message);
        assertFalse(message.contains("Exception") || message.contains("\tat "), "no stack trace or exception names: " + message);
        assertEquals("", cli.out(), "nothing on stdout");
    }
}
