package io.openim.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes OpenIM's {@code config/kafka.yml} in the v3.8 / main layout (keys, quoting and tls block as shipped). */
public final class OpenImKafkaYml {
    private OpenImKafkaYml() {
    }

    public static Path write(Path dir, String address, String username, String password) {
        try {
            Files.createDirectories(dir);
            return Files.writeString(dir.resolve("kafka.yml"), KAFKA.formatted(username, password, address), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final String KAFKA = """
            username: '%s'
            password: '%s'
            producerAck:
            compressType: none
            address: [ %s ]
            toRedisTopic: toRedis
            toMongoTopic: toMongo
            toPushTopic: toPush
            toOfflinePushTopic: toOfflinePush
            toRedisGroupID: redis
            toMongoGroupID: mongo
            toPushGroupID: push
            toOfflinePushGroupID: offlinePush
            tls:
              enableTLS: false
              caCrt: ''
              clientCrt: ''
              clientKey: ''
              clientKeyPwd: ''
              insecureSkipVerify: false
            """;
}
