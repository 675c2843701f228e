package io.openim.exporter.logs;

import io.openim.exporter.Closer;
import io.openim.exporter.LogCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Saving and restoring counters and offsets; a broken or unwritable file is said once and does not stop the check. */
class StateFileTest {
    @TempDir
    Path dir;
    @RegisterExtension
    final Closer closer = new Closer();
    private final LogCapture logged = closer.keep(new LogCapture(LogsCheck.class));

    private static LineCounter counter() {
        return new LineCounter(new SignatureMatcher(Signature.builtin()), new ServiceLabels(10));
    }

    private List<String> warnings() {
        return logged.messages().stream().filter(m -> m.contains("state file")).toList();
    }

    @Test
    void countsAndOffsetsComeBack() {
        LineCounter before = counter();
        byte[] line = "2026-05-16 14:45:33.123\tWARN\t[PID:1]\topenim-msggateway\tx write: broken pipe".getBytes(StandardCharsets.UTF_8);
        before.line(line, 0, line.length, ServiceLabels.UNKNOWN);
        String path = dir.resolve("s/logs.json").toString();
        LogState.FileOffset offset = new LogState.FileOffset("1:2", "/x.log", 42, "aGVhZA==");
        new StateFile(path, "end").save(() -> List.of(offset), before);

        LineCounter after = counter();
        Map<String, LogState.FileOffset> offsets = new HashMap<>();
        assertTrue(new StateFile(path, "end").restore(after, offsets));
        assertEquals(Map.of("1:2", offset), offsets);
        assertEquals(before.signatureCounts(), after.signatureCounts());
        assertEquals(before.lineCounts(), after.lineCounts());
    }

    @Test
    void noPathOrNoFileIsAFreshStart() {
        Map<String, LogState.FileOffset> offsets = new HashMap<>();
        assertFalse(new StateFile("", "end").restore(counter(), offsets));
        new StateFile("", "end").save(() -> {
            throw new AssertionError("nothing to save without a path");
        }, counter());
        assertFalse(new StateFile(dir.resolve("none.json").toString(), "end").restore(counter(), offsets));
        assertTrue(offsets.isEmpty());
        assertEquals(List.of(), warnings());
    }

    @Test
    void aBrokenFileIsSaidAndIgnored() throws Exception {
        Path p = Files.writeString(dir.resolve("logs.json"), "{not json");
        assertFalse(new StateFile(p.toString(), "beginning").restore(counter(), new HashMap<>()));
        assertEquals(1, warnings().size());
        assertTrue(warnings().get(0).startsWith("logs: state file " + p + " unreadable ("), warnings().toString());
        assertTrue(warnings().get(0).endsWith("); starting at 'beginning' as configured"), warnings().toString());
    }

    @Test
    void aFailingWriteIsLoggedOnceUntilAWriteSucceeds() throws Exception {
        Path blocker = Files.writeString(dir.resolve("blocker"), "a file where a directory should be");
        StateFile broken = new StateFile(blocker.resolve("logs.json").toString(), "end");
        broken.save(List::of, counter());
        broken.save(List::of, counter());
        assertEquals(1, warnings().size(), warnings().toString());
        assertTrue(warnings().get(0).startsWith("logs: cannot write state file " + blocker.resolve("logs.json") + ": "));
        assertTrue(warnings().get(0).endsWith("; a restart will start at 'end'"), warnings().toString());
        Files.delete(blocker);
        broken.save(List::of, counter()); // works again (the directory can be made now)
        assertTrue(Files.exists(blocker.resolve("logs.json")));
        deleteTree(blocker);
        Files.writeString(blocker, "in the way again");
        broken.save(List::of, counter());
        assertEquals(2, warnings().size(), "failing again after a success is said again");
    }

    private static void deleteTree(Path p) throws Exception {
        try (var s = Files.walk(p)) {
            for (Path q : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(q);
            }
        }
    }
}
