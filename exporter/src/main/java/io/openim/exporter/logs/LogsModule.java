package io.openim.exporter.logs;

import io.openim.exporter.runtime.CheckModule;

import java.util.List;

/** Log signatures: the guide's error strings ({@code write: broken pipe}, …) counted from OpenIM's logs. */
public final class LogsModule {
    public static final CheckModule<LogsSettings> MODULE = new CheckModule<>("logs", LogsSettings.class,
            LogsSettings::off, List.of("log.yml"), LogsOpenIm::read, new LogsMetrics(),
            (settings, results, clock) -> new LogsCheck(settings, clock));

    private LogsModule() {
    }
}
