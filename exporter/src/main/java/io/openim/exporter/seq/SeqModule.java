package io.openim.exporter.seq;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openim.exporter.config.ConfigException;
import io.openim.exporter.config.OpenImDirectory;
import io.openim.exporter.metrics.ResultMapper;
import io.openim.exporter.pipeline.ToRedisStall;
import io.openim.exporter.runtime.Check;
import io.openim.exporter.runtime.CheckModule;
import io.openim.exporter.runtime.ResultStore;

import java.time.Clock;
import java.util.List;

/** Seq consistency between Redis and MongoDB (guide step 2.4); {@code stalled} needs the Kafka check's verdict. */
public final class SeqModule implements CheckModule<SeqSettings> {
    @Override
    public String name() {
        return SeqCheck.NAME;
    }

    @Override
    public Class<SeqSettings> settingsType() {
        return SeqSettings.class;
    }

    @Override
    public SeqSettings absent() {
        return SeqSettings.off();
    }

    @Override
    public List<String> openImFiles() {
        return SeqOpenIm.FILES;
    }

    @Override
    public ObjectNode fromOpenIm(OpenImDirectory dir) throws ConfigException {
        return SeqOpenIm.read(dir);
    }

    @Override
    public ResultMapper<?> metrics() {
        return new SeqMetrics();
    }

    @Override
    public Check create(SeqSettings settings, ResultStore results, Clock clock) {
        return new SeqCheck(settings, new ToRedisStall(results), clock);
    }
}
