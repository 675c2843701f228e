package io.openim.exporter.seq;

import io.openim.exporter.pipeline.ToRedisStall;
import io.openim.exporter.runtime.CheckModule;

/** Seq consistency between Redis and MongoDB (guide step 2.4); {@code stalled} needs the Kafka check's verdict. */
public final class SeqModule {
    public static final CheckModule<SeqSettings> MODULE = new CheckModule<>(SeqCheck.NAME, SeqSettings.class,
            SeqSettings::off, SeqOpenIm.FILES, SeqOpenIm::read, new SeqMetrics(),
            (settings, results, clock) -> new SeqCheck(settings, new ToRedisStall(results), clock));

    private SeqModule() {
    }
}
