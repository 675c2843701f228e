package io.openim.exporter.logs;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * What survives a restart: where each file was read up to (by identity, with its first bytes to
 * recognise it) and the counters, so totals stay monotonic. Written whole to a temporary file and
 * moved over the old one, so a crash leaves either the old or the new state, never half of one.
 */
record LogState(int version, List<FileOffset> files, List<Count> signatures, List<Count> lines, long serviceOverflow) {
    private static final ObjectMapper JSON = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    LogState {
        files = files == null ? List.of() : List.copyOf(files);
        signatures = signatures == null ? List.of() : List.copyOf(signatures);
        lines = lines == null ? List.of() : List.copyOf(lines);
    }

    /** @param head the file's first bytes, Base64 */
    record FileOffset(String identity, String path, long offset, String head) {
    }

    record Count(String service, String name, long value) {
    }

    /** Null when there is no state file yet. */
    static LogState read(Path file) throws IOException {
        if (!Files.exists(file)) {
            return null;
        }
        return JSON.readValue(file.toFile(), LogState.class);
    }

    void write(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
        try {
            JSON.writeValue(tmp.toFile(), this);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
