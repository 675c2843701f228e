package io.openim.exporter.stores;

import java.time.Duration;
import java.util.List;

/**
 * How to reach OpenIM's Redis (redis.yml), for every reader of it: the seq check, {@code diagnose} and the bench.
 * Defaults match OpenIM's docker-compose (127.0.0.1:16379).
 *
 * @param mode       {@code standalone}, {@code sentinel} (address lists the sentinels) or {@code cluster}
 * @param masterName the sentinel master name
 */
public record RedisSettings(String mode, List<String> address, String masterName, String username, String password,
                            String passwordFile, Integer db, Tls tls, Duration timeout) {
    public RedisSettings {
        mode = mode != null ? mode : "standalone";
        address = address != null ? List.copyOf(address) : List.of("127.0.0.1:16379");
        masterName = masterName != null ? masterName : "mymaster";
        username = username != null ? username : "";
        password = password != null ? password : "";
        passwordFile = passwordFile != null ? passwordFile : "";
        db = db != null ? db : 0;
        tls = tls != null ? tls : new Tls(null, null, null);
        timeout = timeout != null ? timeout : Duration.ofSeconds(3);
    }

    public RedisSettings withPassword(String pw) {
        return new RedisSettings(mode, address, masterName, username, pw, passwordFile, db, tls, timeout);
    }

    /** TLS to Redis: {@code caFile} (PEM) to trust a private CA; {@code insecureSkipVerify} for tests only. */
    public record Tls(Boolean enabled, String caFile, Boolean insecureSkipVerify) {
        public Tls {
            enabled = enabled != null ? enabled : false;
            caFile = caFile != null ? caFile : "";
            insecureSkipVerify = insecureSkipVerify != null ? insecureSkipVerify : false;
        }
    }
}
