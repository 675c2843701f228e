package io.openim.exporter.dashboards;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The JSON users import is exactly what {@code grafana-dashboards/generate.py} writes: an edit made to one and not
 * the other fails here, so the shared variables, links and conventions cannot drift apart file by file.
 */
class DashboardsGeneratedTest {
    @TempDir
    Path copy;

    @Test
    void theCommittedDashboardsAreTheGeneratorsOutput() throws Exception {
        Path root = DashboardFiles.repoRoot();
        for (String dir : List.of("alerts", "grafana-dashboards")) {
            Files.createDirectories(copy.resolve(dir));
            try (Stream<Path> files = Files.list(root.resolve(dir))) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    Files.copy(f, copy.resolve(dir).resolve(f.getFileName()));
                }
            }
        }
        try (Stream<Path> json = Files.list(copy.resolve("grafana-dashboards"))) {
            for (Path f : json.filter(p -> p.toString().endsWith(".json")).toList()) {
                Files.delete(f);
            }
        }
        Process p = new ProcessBuilder("python3", copy.resolve("grafana-dashboards/generate.py").toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);

        List<String> differ = new ArrayList<>();
        List<Path> committed = jsonFiles(root.resolve("grafana-dashboards"));
        assertFalse(committed.isEmpty());
        for (Path f : committed) {
            Path generated = copy.resolve("grafana-dashboards").resolve(f.getFileName());
            if (!Files.exists(generated) || !Files.readString(generated).equals(Files.readString(f))) {
                differ.add(f.getFileName().toString());
            }
        }
        assertEquals(List.of(), differ, "run python3 grafana-dashboards/generate.py and commit its output");
        assertEquals(committed.size(), jsonFiles(copy.resolve("grafana-dashboards")).size(), "the generator writes no other dashboard");
    }

    private static List<Path> jsonFiles(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
    }
}
