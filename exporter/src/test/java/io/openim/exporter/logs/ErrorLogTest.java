package io.openim.exporter.logs;

import io.openim.exporter.Closer;
import io.openim.exporter.LogCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Source errors: every one counted and shown in its cycle, each logged once while it lasts. */
class ErrorLogTest {
    @RegisterExtension
    final Closer closer = new Closer();
    private final LogCapture logged = closer.keep(new LogCapture(LogsCheck.class));

    private List<String> lines() {
        return logged.messages();
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
