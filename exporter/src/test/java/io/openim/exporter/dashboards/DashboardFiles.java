package io.openim.exporter.dashboards;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Reads the shipped dashboards (grafana-dashboards/*.json) and alert rules (alerts/*.rules.yml) for the tests. */
final class DashboardFiles {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final YAMLMapper YAML = new YAMLMapper();

    record Dashboard(Path file, JsonNode json) {
        String uid() {
            return json.path("uid").asText();
        }

        List<Panel> panels() {
            List<Panel> out = new ArrayList<>();
            for (JsonNode p : json.path("panels")) {
                out.add(new Panel(this, p));
                for (JsonNode inner : p.path("panels")) { // panels of a collapsed row
                    out.add(new Panel(this, inner));
                }
            }
            return out;
        }
    }

    record Panel(Dashboard dashboard, JsonNode json) {
        String type() {
            return json.path("type").asText();
        }

        String title() {
            return json.path("title").asText();
        }

        /** Row and text panels carry no query. */
        boolean queries() {
            return !type().equals("row") && !type().equals("text");
        }

        List<String> exprs() {
            List<String> out = new ArrayList<>();
            json.path("targets").forEach(t -> out.add(t.path("expr").asText()));
            return out;
        }

        List<String> linkUrls() {
            List<String> out = new ArrayList<>();
            json.path("links").forEach(l -> out.add(l.path("url").asText()));
            return out;
        }

        @Override
        public String toString() {
            return dashboard.file().getFileName() + " / " + title();
        }
    }

    record Rule(String name, String expr, String severity, String runbookUrl) {
    }

    private DashboardFiles() {
    }

    static Path repoRoot() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("grafana-dashboards")) && Files.isDirectory(p.resolve("alerts"))) {
                return p;
            }
        }
        throw new IllegalStateException("no directory with grafana-dashboards/ and alerts/ above " + Path.of("").toAbsolutePath());
    }

    static List<Dashboard> dashboards() {
        return dashboards(repoRoot());
    }

    /** The dashboards under {@code root} (this checkout, or a copy of it). */
    static List<Dashboard> dashboards(Path root) {
        List<Dashboard> out = new ArrayList<>();
        for (Path f : list(root.resolve("grafana-dashboards"), ".json")) {
            try {
                out.add(new Dashboard(f, JSON.readTree(f.toFile())));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot parse " + f, e);
            }
        }
        if (out.isEmpty()) {
            throw new IllegalStateException("no dashboards in " + root.resolve("grafana-dashboards"));
        }
        return out;
    }

    static List<Path> ruleFiles() {
        return ruleFiles(repoRoot());
    }

    static List<Path> ruleFiles(Path root) {
        return list(root.resolve("alerts"), ".rules.yml");
    }

    static List<Rule> rules() {
        return rules(repoRoot());
    }

    static List<Rule> rules(Path root) {
        List<Rule> out = new ArrayList<>();
        for (Path f : ruleFiles(root)) {
            try {
                for (JsonNode g : YAML.readTree(f.toFile()).path("groups")) {
                    for (JsonNode r : g.path("rules")) {
                        if (r.has("alert")) {
                            out.add(new Rule(r.path("alert").asText(), r.path("expr").asText(),
                                    r.path("labels").path("severity").asText(), r.path("annotations").path("runbook_url").asText()));
                        }
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot parse " + f, e);
            }
        }
        return out;
    }

    private static List<Path> list(Path dir, String suffix) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
