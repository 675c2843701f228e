package io.openim.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * An OpenIM deployment root laid out as {@code mage} lays it out (openimsdk/gomake {@code mageutil/paths.go}):
 * {@code <root>/config/} with the files of one release, as shipped (keys, comments' absence aside, quoting, the
 * relative {@code storageLocation}, {@code clusterMode}/{@code redisMode}, {@code mongoMode}), the binaries' working
 * directory {@code <root>/_output/bin/platforms/linux/amd64/} and the log directory {@code <root>/_output/logs/}
 * that {@code ../../../../logs/} names from there. {@link Release#MAIN_KUBERNETES} is shaped like main's
 * {@code deployments/deploy/openim-config.yml} ConfigMap instead: {@code enable: "kubernetes"}, empty store
 * credentials (they come from Secrets as {@code IMENV_*}: {@link Layout#env()}), {@code storageLocation: ./logs/}.
 */
public final class OpenImDeployment {
    /** The releases whose {@code config/} differ in what the exporter reads. */
    public enum Release {
        V3_7_1(Generation.V3_7), V3_8_0(Generation.V3_8), V3_8_3(Generation.V3_8), V3_8_3_PATCH_16(Generation.V3_8),
        MAIN(Generation.MAIN), MAIN_KUBERNETES(Generation.MAIN);

        private final Generation generation;

        Release(Generation generation) {
            this.generation = generation;
        }

        public Generation generation() {
            return generation;
        }
    }

    /** Where the stores are, "host:port" each; the Mongo user and password written into mongodb.yml. */
    public record Stores(String registry, String redis, String mongo, String kafka, String mongoUser, String mongoPassword) {
    }

    /** The root, its {@code config/}, the binaries' working directory, the log directory and the Secrets' env. */
    public record Layout(Path root, Path config, Path workDir, Path logs, Map<String, String> env) {
    }

    private OpenImDeployment() {
    }

    public static Layout write(Release r, Path root, Stores s) {
        try {
            Path config = root.resolve("config");
            Path workDir = root.resolve("_output/bin/platforms/linux/amd64");
            Path logs = root.resolve("_output/logs");
            boolean k8s = r == Release.MAIN_KUBERNETES;
            if (k8s) {
                Files.createDirectories(config);
                put(config, "discovery.yml", DISCOVERY_KUBERNETES);
                put(config, "share.yml", "secret: openIM123\n\nimAdminUserID: [\"imAdmin\"]\n");
                // the Deployment's WORKDIR is /openim-server and the ConfigMap says ./logs/: here <root>/openim-server/logs
                workDir = root.resolve("openim-server");
                logs = workDir.resolve("logs");
            } else {
                OpenImConfigDir.write(r.generation(), config, s.registry());
                Files.createDirectories(workDir);
            }
            Files.createDirectories(logs);
            put(config, "log.yml", k8s ? LOG_YML.replace("../../../../logs/", "./logs/").replace("isStdout: false", "isStdout: true") : LOG_YML);
            String redis = switch (r) {
                case V3_7_1 -> REDIS_V3_7_1;
                case V3_8_0 -> REDIS_V3_8_0;
                case V3_8_3 -> REDIS_V3_8_3;
                case V3_8_3_PATCH_16 -> REDIS_V3_8_3_PATCH;
                case MAIN -> REDIS_MAIN;
                case MAIN_KUBERNETES -> REDIS_KUBERNETES;
            };
            put(config, "redis.yml", redis.formatted(s.redis()));
            String user = k8s ? "" : s.mongoUser();
            String password = k8s ? "" : s.mongoPassword();
            put(config, "mongodb.yml", switch (r) {
                case V3_7_1, V3_8_0 -> MONGO_V3_8_0.formatted(s.mongo(), user, password);
                case V3_8_3, V3_8_3_PATCH_16, MAIN_KUBERNETES -> MONGO_V3_8_3.formatted(s.mongo(), user, password);
                case MAIN -> MONGO_MAIN.formatted(s.mongo(), user, password);
            });
            OpenImKafkaYml.write(config, s.kafka(), "", "");
            Map<String, String> env = k8s ? Map.of("IMENV_REDIS_PASSWORD", "openIM123",
                    "IMENV_MONGODB_USERNAME", s.mongoUser(), "IMENV_MONGODB_PASSWORD", s.mongoPassword(),
                    "IMENV_KAFKA_PASSWORD", "") : Map.of();
            return new Layout(root, config, workDir, logs, env);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write an OpenIM deployment under " + root, e);
        }
    }

    /** main's {@code mongodb.yml} with {@code mongoMode: replicaSet} and the given set name and hosts. */
    public static Path writeReplicaSetMongo(Path config, String name, String hosts) throws IOException {
        String yml = MONGO_MAIN.formatted("localhost:37017", "openIM", "openIM123")
                .replace("mongoMode: \"standalone\"", "mongoMode: \"replicaSet\"")
                .replace("  name: rs0\n  hosts: [127.0.0.1:37017, 127.0.0.1:37018, 127.0.0.1:37019]",
                        "  name: " + name + "\n  hosts: [" + hosts + "]");
        return put(config, "mongodb.yml", yml);
    }

    private static Path put(Path dir, String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
    }

    // config/log.yml, the same from v3.7.1 to main (v3.8.0 added isSimplify)
    private static final String LOG_YML = """
            storageLocation: ../../../../logs/
            rotationTime: 24
            remainRotationCount: 2
            remainLogLevel: 6
            isStdout: false
            isJson: false
            isSimplify: true
            """;

    // v3.7.1 config/redis.yml
    private static final String REDIS_V3_7_1 = """
            address: [ %s ]
            username: ''
            password: openIM123
            enablePipeline: false
            clusterMode: false
            db: 0
            maxRetry: 10""";

    // v3.8.0 config/redis.yml
    private static final String REDIS_V3_8_0 = """
            address: [ %s ]
            username: ''
            password: openIM123
            clusterMode: false
            db: 0
            maxRetry: 10
            """;

    // v3.8.3 config/redis.yml: username empty (null)
    private static final String REDIS_V3_8_3 = """
            address: [ %s ]
            username:\s
            password: openIM123
            clusterMode: false
            db: 0
            maxRetry: 10
            poolSize: 100
            """;

    // v3.8.3-patch.16 config/redis.yml: redisMode replaces clusterMode
    private static final String REDIS_V3_8_3_PATCH = """
            address: [ %s ]
            username:\s
            password: openIM123
            # redisMode can be "cluster", "sentinel", or "standalone"
            redisMode: "standalone"
            db: 0
            maxRetry: 10
            poolSize: 100
            """;

    // main config/redis.yml: redisMode and a sentinel block
    private static final String REDIS_MAIN = """
            address: [%s]
            username:
            password: openIM123
            redisMode: "standalone"
            db: 0
            maxRetry: 10
            poolSize: 100
            sentinelMode:
              masterName: "redis-master"
              sentinelsAddrs: ["127.0.0.1:26379", "127.0.0.1:26380", "127.0.0.1:26381"]
              routeByLatency: true
              routeRandomly: true
            """;

    // main deployments/deploy/openim-config.yml redis.yml: still clusterMode, password from IMENV_REDIS_PASSWORD
    private static final String REDIS_KUBERNETES = """
            address: [ "%s" ]
            username:
            password:  # openIM123
            clusterMode: false
            db: 0
            maxRetry: 10
            poolSize: 100
            """;

    // v3.7.1 and v3.8.0 config/mongodb.yml
    private static final String MONGO_V3_8_0 = """
            uri: ''
            address: [ %s ]
            database: openim_v3
            username: '%s'
            password: '%s'
            maxPoolSize: 100
            maxRetry: 10
            """;

    // v3.8.3 config/mongodb.yml: authSource added, uri empty (null)
    private static final String MONGO_V3_8_3 = """
            uri:\s
            address: [ %s ]
            database: openim_v3
            username: '%s'
            password: '%s'
            authSource: openim_v3
            maxPoolSize: 100
            maxRetry: 10
            """;

    // main config/mongodb.yml: mongoMode, replicaSet, readPreference, writeConcern
    private static final String MONGO_MAIN = """
            uri:
            address: [%s]
            database: openim_v3
            username: '%s'
            password: '%s'
            authSource: openim_v3
            maxPoolSize: 100
            maxRetry: 10
            mongoMode: "standalone"

            replicaSet:
              name: rs0
              hosts: [127.0.0.1:37017, 127.0.0.1:37018, 127.0.0.1:37019]
              readConcern: majority
              maxStaleness: 90s

            readPreference:
              mode: primary
              maxStaleness: 90s
              tagSets:
                - datacenter: "cn-east"
                  rack: "1"
                  storage: "ssd"
                - datacenter: "cn-east"
                  storage: "ssd"
                - datacenter: "cn-east"
                - {}

            writeConcern:
              w: majority
              j: true
              wtimeout: 30s
            """;

    // main deployments/deploy/openim-config.yml discovery.yml
    private static final String DISCOVERY_KUBERNETES = """
            enable: "kubernetes" # "kubernetes" or "etcd"
            kubernetes:
              namespace: default
            etcd:
              rootDirectory: openim
              address: [ localhost:12379 ]
              username: ''
              password: ''

            rpcService:
              user: user-rpc-service
              friend: friend-rpc-service
              msg: msg-rpc-service
              push: push-rpc-service
              messageGateway: messagegateway-rpc-service
              group: group-rpc-service
              auth: auth-rpc-service
              conversation: conversation-rpc-service
              third: third-rpc-service
            """;
}
