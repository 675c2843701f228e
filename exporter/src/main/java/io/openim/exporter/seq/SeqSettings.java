package io.openim.exporter.seq;

import io.openim.exporter.config.CheckSettings;
import io.openim.exporter.config.ConfigException;
import io.openim.exporter.config.ConfigLoader;
import io.openim.exporter.config.Rules;
import io.openim.exporter.config.Secrets;
import io.openim.exporter.stores.MongoSettings;
import io.openim.exporter.stores.RedisSettings;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
public record SeqSettings(Boolean enabled, String generation, Duration interval, Duration timeout, Duration grace,
                        Duration hotWindow, Integer sweepPerCycle, Integer scanCount, Integer opsPerSecond,
                        Integer topK, String shard, Integer maxTracked, RedisSettings redis, MongoSettings mongo)
        implements CheckSettings {
    private static final Pattern SHARD = Pattern.compile("\\s*(\\d{1,6})\\s*/\\s*(\\d{1,6})\\s*");

    public SeqSettings {
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
        redis = redis != null ? redis : new RedisSettings(null, null, null, null, null, null, null, null, null);
        mongo = mongo != null ? mongo : new MongoSettings(null, null, null, null, null, null, null, null);
    }

    /** No {@code seq:} section: the check does not run. */
    static SeqSettings off() {
        return new SeqSettings(false, null, null, null, null, null, null, null, null, null, null, null, null, null);
    }

    /** The same settings for shard {@code i/n} (the {@code --shard} option), validated. */
    public SeqSettings withShard(String value) throws ConfigException {
        shard("--shard", value);
        return new SeqSettings(enabled, generation, interval, timeout, grace, hotWindow, sweepPerCycle, scanCount, opsPerSecond,
                topK, value.trim(), maxTracked, redis, mongo);
    }

    @Override
    public SeqSettings withSecrets() throws ConfigException {
        return new SeqSettings(enabled, generation, interval, timeout, grace, hotWindow, sweepPerCycle, scanCount, opsPerSecond,
                topK, shard, maxTracked, redis.withPassword(Secrets.password("seq.redis", redis.password(), redis.passwordFile())),
                mongo.withPassword(Secrets.password("seq.mongo", mongo.password(), mongo.passwordFile())));
    }

    /** Shard index and count from {@code i/n} (validated before use). */
    public int shardIndex() {
        return Integer.parseInt(shard.substring(0, shard.indexOf('/')).trim());
    }

    public int shardCount() {
        return Integer.parseInt(shard.substring(shard.indexOf('/') + 1).trim());
    }

    @Override
    public void validate() throws ConfigException {
        SeqSettings s = this;
        Rules.generation("seq.generation", s.generation());
        Rules.cycle("seq", s.interval(), s.timeout());
        Rules.positive("seq.grace", s.grace());
        Rules.positive("seq.hotWindow", s.hotWindow());
        Rules.range("seq.sweepPerCycle", s.sweepPerCycle(), 1, 100_000_000);
        Rules.range("seq.scanCount", s.scanCount(), 10, 100_000);
        Rules.range("seq.opsPerSecond", s.opsPerSecond(), 10, 10_000_000);
        Rules.range("seq.topK", s.topK(), 0, 1000);
        Rules.range("seq.maxTracked", s.maxTracked(), 100, 10_000_000);
        shard("seq.shard", s.shard());

        RedisSettings r = s.redis();
        Rules.oneOf("seq.redis.mode", r.mode(), Set.of("standalone", "sentinel", "cluster"));
        Rules.addresses("seq.redis.address", r.address(), false);
        Rules.positive("seq.redis.timeout", r.timeout());
        Rules.range("seq.redis.db", r.db(), 0, 1023);
        if ("cluster".equals(r.mode()) && r.db() != 0) {
            throw ConfigException.at("seq.redis.db", "must be 0 in cluster mode (Redis Cluster has one database), got " + r.db());
        }
        if ("sentinel".equals(r.mode()) && r.masterName().isBlank()) {
            throw ConfigException.at("seq.redis.masterName", "is required in sentinel mode");
        }
        if (!r.username().isEmpty() && r.password().isEmpty()) {
            throw ConfigException.at("seq.redis.password", "is required when a username is set (ACL user)");
        }
        if (!r.tls().caFile().isEmpty() && !Files.isReadable(Path.of(r.tls().caFile()))) {
            throw ConfigException.at("seq.redis.tls.caFile", "cannot read " + r.tls().caFile());
        }

        MongoSettings m = s.mongo();
        if (m.uri().isEmpty()) {
            Rules.addresses("seq.mongo.address", m.address(), false);
        } else if (!m.uri().startsWith("mongodb://") && !m.uri().startsWith("mongodb+srv://")) {
            throw ConfigException.at("seq.mongo.uri", "must start with mongodb:// or mongodb+srv://, got '" + m.uri() + "'");
        }
        if (m.database().isBlank()) {
            throw ConfigException.at("seq.mongo.database", "must not be empty");
        }
        Rules.userForPassword("seq.mongo", m.username(), m.password());
        if (!m.readConcern().isEmpty()) {
            // the levels OpenIM's mongodb.yml names (replicaSet.readConcern)
            Rules.oneOf("seq.mongo.readConcern", m.readConcern(), java.util.Set.of("local", "available", "majority", "linearizable", "snapshot"));
        }
        Rules.positive("seq.mongo.timeout", m.timeout());
        if (s.enabled()) {
            Duration needed = r.timeout().plus(m.timeout());
            if (s.timeout().compareTo(needed) <= 0) {
                // one Redis round and one Mongo round must fit, or every cycle would be cut
                throw ConfigException.at("seq.timeout", "must be longer than seq.redis.timeout plus seq.mongo.timeout ("
                        + ConfigLoader.format(needed) + "), got " + ConfigLoader.format(s.timeout()));
            }
        }
    }

    private static void shard(String field, String value) throws ConfigException {
        Matcher m = SHARD.matcher(value);
        if (!m.matches()) {
            throw ConfigException.at(field, "must be i/n such as 0/1 or 2/4, got '" + value + "'");
        }
        int i = Integer.parseInt(m.group(1));
        int n = Integer.parseInt(m.group(2));
        if (n < 1 || i >= n) {
            throw ConfigException.at(field, "needs n >= 1 and 0 <= i < n, got '" + value + "'");
        }
    }
}
