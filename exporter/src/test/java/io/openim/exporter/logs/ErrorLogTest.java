package io.openim.exporter.logs;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Source errors: every one counted and shown in its cycle, each logged once while it lasts. */
class ErrorLogTest {
    private final Logger checkLog = (Logger) LoggerFactory.getLogger(LogsCheck.class);
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();

    @BeforeEach
    void capture() {
        logged.start();
        checkLog.addAppender(logged);
    }

    @AfterEach
    void release() {
        checkLog.detachAppender(logged);
    }

    private List<String> lines() {
        return logged.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Test
    void anErrorIsLoggedOnceWhileItLastsAndAgainWhenItReturns() {
        LogSource a = new LogSource("/var/log/a/*", false);
        LogSource b = new LogSource("/var/log/b/*", true);
        ErrorLog errors = new ErrorLog();
        for (int cycle = 0; cycle < 3; cycle++) {
            errors.startCycle(List.of(a, b));
            errors.add(a, "cannot read /var/log/a/x: permission denied");
            assertEquals(List.of("cannot read /var/log/a/x: permission denied"), errors.of(a));
            assertEquals(List.of(), errors.of(b));
            errors.endCycle();
        }
        assertEquals(List.of("logs: source /var/log/a/*: cannot read /var/log/a/x: permission denied; other files are still read"), lines());
        assertEquals(3, a.report(0).readErrors(), "counted every cycle");
        assertEquals(0, b.report(0).readErrors());

        errors.startCycle(List.of(a, b));
        errors.endCycle(); // cleared
        errors.startCycle(List.of(a, b));
        errors.add(a, "cannot read /var/log/a/x: permission denied");
        errors.endCycle();
        assertEquals(2, lines().size(), "logged again once it came back");
        assertEquals(new io.openim.exporter.runtime.SourceStatus("/var/log/a/*", false, "cannot read /var/log/a/x: permission denied"),
                a.status(errors.of(a)));
    }
}
