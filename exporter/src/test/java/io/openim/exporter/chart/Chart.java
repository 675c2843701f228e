package io.openim.exporter.chart;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The chart {@code charts/openim-exporter}, rendered by Helm's own Go code (helm-java's native library): no
 * cluster, so {@code .Capabilities} lists no CRD API and the tests force them with {@code forceCrdApis}.
 */
final class Chart {
    static final YAMLMapper YAML = new YAMLMapper();
    static final Path ROOT = findRepoRoot();
    static final Path DIR = ROOT.resolve("charts/openim-exporter");

    private Chart() {
    }

    /** {@code helm template} with an optional values file and {@code --set}s; each document as a tree, empty ones dropped. */
    static List<JsonNode> template(Path valuesFile, Map<String, Object> set) {
        TemplateCommand t = new Helm(DIR).template().withName("openim").withNamespace("openim");
        if (valuesFile != null) {
            t = t.withValuesFile(valuesFile);
        }
        for (var e : set.entrySet()) {
            t = t.set(e.getKey(), e.getValue());
        }
        return documents(t.call());
    }

    static List<JsonNode> documents(String manifests) {
        try (var parser = new YAMLFactory().createParser(manifests)) {
            List<JsonNode> docs = new ArrayList<>();
            for (var it = YAML.readValues(parser, JsonNode.class); it.hasNext(); ) {
                JsonNode d = it.next();
                if (d != null && !d.isNull() && !d.isEmpty()) {
                    docs.add(d);
                }
            }
            return docs;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The documents of one kind. */
    static List<JsonNode> ofKind(List<JsonNode> docs, String kind) {
        return docs.stream().filter(d -> kind.equals(d.path("kind").asText())).toList();
    }

    static JsonNode one(List<JsonNode> docs, String kind, String name) {
        List<JsonNode> found = ofKind(docs, kind).stream().filter(d -> name.equals(d.at("/metadata/name").asText())).toList();
        if (found.size() != 1) {
            throw new AssertionError("want one " + kind + " " + name + ", found " + found.size() + " among "
                    + docs.stream().map(d -> d.path("kind").asText() + "/" + d.at("/metadata/name").asText()).toList());
        }
        return found.get(0);
    }

    /** {@code helm template} with the default values, the CRD-based objects forced on. */
    static List<JsonNode> templateForced() {
        return template(null, Map.of("forceCrdApis", true));
    }

    /**
     * {@code helm lint --strict} of the chart with {@code valuesFile} merged into its values.yaml (lint takes no
     * values file): a copy of the chart, its links to alerts/ and grafana-dashboards/ followed, in a temp dir.
     */
    static LintResult lint(Path valuesFile) throws IOException {
        if (valuesFile == null) {
            return new Helm(DIR).lint().strict().call();
        }
        Path copy = Files.createTempDirectory("chart-lint").resolve("openim-exporter");
        try {
            try (Stream<Path> files = Files.walk(DIR, FileVisitOption.FOLLOW_LINKS)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    Path to = copy.resolve(DIR.relativize(f).toString());
                    Files.createDirectories(to.getParent());
                    Files.copy(f, to);
                }
            }
            ObjectNode values = readYaml(DIR.resolve("values.yaml"));
            merge(values, readYaml(valuesFile));
            YAML.writeValue(copy.resolve("values.yaml").toFile(), values);
            return new Helm(copy).lint().strict().call();
        } finally {
            try (Stream<Path> files = Files.walk(copy.getParent())) {
                for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(f);
                }
            }
        }
    }

    /** Helm's merge of a values file over values.yaml: maps key by key, anything else replaced. */
    static void merge(ObjectNode into, JsonNode from) {
        from.fields().forEachRemaining(e -> {
            if (e.getValue() instanceof ObjectNode o && into.get(e.getKey()) instanceof ObjectNode target) {
                merge(target, o);
            } else {
                into.set(e.getKey(), e.getValue());
            }
        });
    }

    /** ci/*-values.yaml, sorted. */
    static List<Path> ciValues() {
        try (Stream<Path> s = Files.list(DIR.resolve("ci"))) {
            return s.filter(p -> p.getFileName().toString().endsWith("-values.yaml")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ObjectNode readYaml(Path file) {
        try {
            JsonNode n = YAML.readTree(file.toFile());
            return n instanceof ObjectNode o ? o : YAML.createObjectNode();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path findRepoRoot() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("charts/openim-exporter")) && Files.isDirectory(p.resolve("alerts"))) {
                return p;
            }
        }
        throw new IllegalStateException("no directory with charts/openim-exporter and alerts/ above " + Path.of("").toAbsolutePath());
    }
}
