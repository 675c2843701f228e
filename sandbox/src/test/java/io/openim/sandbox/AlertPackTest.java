package io.openim.sandbox;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The time-compressed copies the drills and the demo load: minutes become seconds, nothing else changes. */
class AlertPackTest {
    @Test
    void minutesBecomeSecondsInForAndRangeWindowsOnly() {
        String rules = """
                - alert: X
                  expr: |
                    sum(rate(a_total[5m])) > 1 and max_over_time(b[15m:1m]) > 0 and c{d="5m"} > 60
                  for: 10m
                - alert: Y
                  expr: time() - e > 1800
                  for: 2m
                """;
        String fast = AlertPack.compress(rules);
        assertTrue(fast.contains("rate(a_total[5s])"), fast);
        assertTrue(fast.contains("b[15s:1s]"), fast);
        assertTrue(fast.contains("for: 10s") && fast.contains("for: 2s"), fast);
        assertTrue(fast.contains("c{d=\"5m\"} > 60"), "label values and thresholds stay: " + fast);
        assertTrue(fast.contains("> 1800"), fast);
        assertFalse(fast.matches("(?s).*\\d+m[\\]:].*"), fast);
    }

    @Test
    void theShippedRulesAreCopiedCompressed(@TempDir Path tmp) throws Exception {
        Path alerts = repoAlerts();
        List<Path> copies = AlertPack.compressedRules(alerts, tmp);
        assertEquals(Files.list(alerts).filter(p -> p.toString().endsWith(".rules.yml")).count(), copies.size());
        for (Path c : copies) {
            String text = Files.readString(c);
            assertFalse(text.matches("(?s).*for:\\s*\\d+m\\b.*"), c + " still has a for: in minutes");
        }
    }

    @Test
    void alertmanagerCopyPointsBothWebhooksAtTheGivenUrlsAndGroupsFast() throws Exception {
        String am = AlertPack.alertmanagerConfig(repoAlerts().resolve("alertmanager.yml"), "http://127.0.0.1:1/pager", "http://127.0.0.1:1/ticket");
        assertTrue(am.contains("url: http://127.0.0.1:1/pager") && am.contains("url: http://127.0.0.1:1/ticket"), am);
        assertTrue(am.contains("group_wait: 1s") && am.contains("group_interval: 1s"), am);
        assertFalse(am.contains("example.invalid"), am);
    }

    @Test
    void aConfigWithoutTheExampleWebhooksIsRefused(@TempDir Path tmp) throws Exception {
        Path f = Files.writeString(tmp.resolve("am.yml"), "route:\n  receiver: x\nreceivers:\n  - name: x\n");
        assertThrows(IllegalStateException.class, () -> AlertPack.alertmanagerConfig(f, "http://a/pager", "http://a/ticket"));
    }

    private static Path repoAlerts() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("alerts/alertmanager.yml"))) {
                return p.resolve("alerts");
            }
        }
        throw new IllegalStateException("no alerts/ above " + Path.of("").toAbsolutePath());
    }
}
