package io.openim.exporter.logs;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openim.exporter.config.ConfigException;
import io.openim.exporter.config.OpenImDirectory;
import io.openim.exporter.metrics.ResultMapper;
import io.openim.exporter.runtime.Check;
import io.openim.exporter.runtime.CheckModule;
import io.openim.exporter.runtime.ResultStore;

import java.time.Clock;
import java.util.List;

/** Log signatures: the guide's error strings ({@code write: broken pipe}, …) counted from OpenIM's logs. */
public final class LogsModule implements CheckModule<LogsSettings> {
    @Override
    public String name() {
        return "logs";
    }

    @Override
    public Class<LogsSettings> settingsType() {
        return LogsSettings.class;
    }

    @Override
    public LogsSettings absent() {
        return LogsSettings.off();
    }

    @Override
    public List<String> openImFiles() {
        return List.of("log.yml");
    }

    @Override
    public ObjectNode fromOpenIm(OpenImDirectory dir) throws ConfigException {
        return LogsOpenIm.read(dir);
    }

    @Override
    public ResultMapper<?> metrics() {
        return new LogsMetrics();
    }

    @Override
    public Check create(LogsSettings settings, ResultStore results, Clock clock) {
        return new LogsCheck(settings, clock);
    }
}
