package io.openim.exporter.logs;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;

/**
 * Expands a glob such as {@code logs/openim-service-log.*} or {@code /var/log/pods/*}{@code /*}{@code /*.log}
 * segment by segment: the leading segments without wildcards name a directory, each later segment is
 * matched against the names in the level below. A directory that cannot be listed is reported, and
 * the rest is still expanded.
 */
final class PathGlob {
    private final String glob;
    private final Path base;
    private final List<PathMatcher> segments = new ArrayList<>();

    record Expansion(List<Path> files, List<String> errors) {
    }

    PathGlob(String glob) {
        this.glob = glob;
        String[] parts = glob.replace('\\', '/').split("/");
        Path b = glob.startsWith("/") ? Path.of("/") : Path.of("");
        int i = 0;
        for (; i < parts.length; i++) {
            if (wild(parts[i])) {
                break;
            }
            if (!parts[i].isEmpty()) {
                b = b.resolve(parts[i]);
            }
        }
        if (i == parts.length) {
            // no wildcard: the last segment is the file itself
            segments.add(FileSystems.getDefault().getPathMatcher("glob:" + escape(b.getFileName() == null ? "" : b.getFileName().toString())));
            b = b.getParent() != null ? b.getParent() : Path.of("");
        }
        for (; i < parts.length; i++) {
            if (!parts[i].isEmpty()) {
                segments.add(FileSystems.getDefault().getPathMatcher("glob:" + parts[i]));
            }
        }
        this.base = b.toString().isEmpty() ? Path.of(".") : b;
    }

    private static boolean wild(String s) {
        return s.indexOf('*') >= 0 || s.indexOf('?') >= 0 || s.indexOf('[') >= 0 || s.indexOf('{') >= 0;
    }

    private static String escape(String s) {
        return s.replaceAll("([\\\\*?\\[\\]{}])", "\\\\$1");
    }

    String glob() {
        return glob;
    }

    Expansion expand() {
        List<Path> files = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        if (!Files.isDirectory(base)) {
            errors.add(Files.exists(base) ? base + " is not a directory" : "directory " + base + " does not exist");
            return new Expansion(files, errors);
        }
        walk(base, 0, files, errors);
        files.sort(null);
        return new Expansion(files, errors);
    }

    private void walk(Path dir, int level, List<Path> files, List<String> errors) {
        boolean last = level == segments.size() - 1;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                if (!segments.get(level).matches(p.getFileName())) {
                    continue;
                }
                if (last) {
                    if (Files.isRegularFile(p)) {
                        files.add(p);
                    }
                } else if (Files.isDirectory(p)) {
                    walk(p, level + 1, files, errors);
                }
            }
        } catch (NoSuchFileException e) {
            // removed while listing (a pod that just went away): nothing to follow there
        } catch (IOException | SecurityException e) {
            errors.add("cannot list " + dir + ": " + LogsCheck.describe(e));
        }
    }
}
