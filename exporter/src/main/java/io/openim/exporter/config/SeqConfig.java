package io.openim.exporter.config;

import java.time.Duration;
import java.util.List;

/**
 * The seq check: Redis allocator state against MongoDB. Off unless the exporter config has a {@code seq:}
 * section or {@code --openim-config} has {@code redis.yml}/{@code mongodb.yml}. Defaults match OpenIM's
 * docker-compose (Redis 127.0.0.1:16379, Mongo 127.0.0.1:37017 database {@code openim_v3}).
 *
 * @param generation    {@code auto} and {@code v3.8}/{@code main} read {@code MALLOC_SEQ:*} and Mongo {@code seq};
 *                      {@code v3.7} reads {@code MAX_SEQ:*} strings
 * @param grace         how long CURR may stay above the highest persisted seq before it counts as mongo_behind,
 *                      and how long toRedis lag must last before a quiet conversation counts as stalled
 * @param hotWindow     conversations whose TIME is this recent are re-checked every cycle
 * @param sweepPerCycle how many keys the slow full sweep reads at most per cycle
 * @param scanCount     SCAN COUNT, and keys per pipeline / Mongo batch
 * @param opsPerSecond  Redis commands per second at most, SCANs included (a token bucket)
 * @param topK          conversations listed in {@code openim_seq_gap{conversation_id,kind}}
 * @param shard         {@code i/n}: this replica checks the conversations whose stable hash mod n is i
 * @param maxTracked    conversations kept in memory between cycles (non-ok ones and the hot set together)
 */
public record SeqConfig(Boolean enabled, String generation, Duration interval, Duration timeout, Duration grace,
                        Duration hotWindow, Integer sweepPerCycle, Integer scanCount, Integer opsPerSecond,
                        Integer topK, String shard, Integer maxTracked, Redis redis, Mongo mongo) {
    public SeqConfig {
        enabled = enabled != null ? enabled : true;
        generation = generation != null ? generation : "auto";
        interval = interval != null ? interval : Duration.ofSeconds(30);
        timeout = timeout != null ? timeout : Duration.ofSeconds(25);
        grace = grace != null ? grace : Duration.ofMinutes(2);
        hotWindow = hotWindow != null ? hotWindow : Duration.ofMinutes(10);
        sweepPerCycle = sweepPerCycle != null ? sweepPerCycle : 200_000;
        scanCount = scanCount != null ? scanCount : 1000;
        opsPerSecond = opsPerSecond != null ? opsPerSecond : 50_000;
        topK = topK != null ? topK : 20;
        shard = shard != null ? shard : "0/1";
        maxTracked = maxTracked != null ? maxTracked : 100_000;
        redis = redis != null ? redis : new Redis(null, null, null, null, null, null, null, null, null);
        mongo = mongo != null ? mongo : new Mongo(null, null, null, null, null, null, null, null);
    }

    /** No {@code seq:} section: the check does not run. */
    static SeqConfig off() {
        return new SeqConfig(false, null, null, null, null, null, null, null, null, null, null, null, null, null);
    }

    /** The same settings for shard {@code i/n} (the {@code --shard} option), validated. */
    public SeqConfig withShard(String value) throws ConfigException {
        SeqConfigValidator.shard("--shard", value);
        return new SeqConfig(enabled, generation, interval, timeout, grace, hotWindow, sweepPerCycle, scanCount, opsPerSecond,
                topK, value.trim(), maxTracked, redis, mongo);
    }

    /** The same settings with the passwords resolved (from {@code passwordFile} where one is set). */
    SeqConfig withPasswords(String redisPassword, String mongoPassword) {
        Redis r = new Redis(redis.mode(), redis.address(), redis.masterName(), redis.username(), redisPassword,
                redis.passwordFile(), redis.db(), redis.tls(), redis.timeout());
        Mongo m = new Mongo(mongo.uri(), mongo.address(), mongo.database(), mongo.username(), mongoPassword,
                mongo.passwordFile(), mongo.authSource(), mongo.timeout());
        return new SeqConfig(enabled, generation, interval, timeout, grace, hotWindow, sweepPerCycle, scanCount, opsPerSecond,
                topK, shard, maxTracked, r, m);
    }

    /** Shard index and count from {@code i/n} (validated before use). */
    public int shardIndex() {
        return Integer.parseInt(shard.substring(0, shard.indexOf('/')).trim());
    }

    public int shardCount() {
        return Integer.parseInt(shard.substring(shard.indexOf('/') + 1).trim());
    }

    /**
     * @param mode       {@code standalone}, {@code sentinel} (address lists the sentinels) or {@code cluster}
     * @param masterName the sentinel master name
     */
    public record Redis(String mode, List<String> address, String masterName, String username, String password,
                        String passwordFile, Integer db, Tls tls, Duration timeout) {
        public Redis {
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
    }

    /** A {@code uri} wins over the separate fields, as in OpenIM's mongodb.yml. */
    public record Mongo(String uri, List<String> address, String database, String username, String password,
                        String passwordFile, String authSource, Duration timeout) {
        public Mongo {
            uri = uri != null ? uri : "";
            address = address != null ? List.copyOf(address) : List.of("127.0.0.1:37017");
            database = database != null ? database : "openim_v3";
            username = username != null ? username : "";
            password = password != null ? password : "";
            passwordFile = passwordFile != null ? passwordFile : "";
            authSource = authSource != null ? authSource : "";
            timeout = timeout != null ? timeout : Duration.ofSeconds(5);
        }
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
