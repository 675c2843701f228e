package io.openim.exporter.pipeline;

import io.openim.exporter.kafka.ConsumerStatus;
import io.openim.exporter.kafka.KafkaResult;
import io.openim.exporter.runtime.CheckState;
import io.openim.exporter.runtime.ResultStore;

import java.util.OptionalLong;
import java.util.function.Supplier;

/**
 * A rule across the guide's stages (step 2.3 feeding 2.4): msgtransfer's group {@code redis} is stuck on
 * {@code toRedis}. The seq check's {@code stalled} state reads it to tell a quiet conversation from one whose
 * messages wait in Kafka. It reads the Kafka check's latest result from the store, never the broker.
 */
public final class ToRedisStall implements Supplier<OptionalLong> {
    static final String GROUP = "redis";
    static final String TOPIC = "toRedis";

    private final ResultStore results;

    public ToRedisStall(ResultStore results) {
        this.results = results;
    }

    /**
     * The lag of group {@code redis} on {@code toRedis} while the Kafka check judges that group STALL or STOP
     * (committed offsets not moving), 0 while it is moving (a busy system always has some lag: that alone is no
     * stall), empty when unknown (Kafka check off, broker not read).
     */
    @Override
    public OptionalLong get() {
        CheckState kafka = results.get("kafka");
        if (kafka == null || !(kafka.result() instanceof KafkaResult r) || kafka.anyDown()) {
            return OptionalLong.empty();
        }
        OptionalLong lag = r.lag(GROUP, TOPIC);
        boolean stuck = r.groups().stream().anyMatch(g -> g.group().equals(GROUP)
                && (g.status() == ConsumerStatus.STALL || g.status() == ConsumerStatus.STOP));
        return lag.isPresent() && !stuck ? OptionalLong.of(0) : lag;
    }
}
