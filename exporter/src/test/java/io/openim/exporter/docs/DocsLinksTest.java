package io.openim.exporter.docs;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The README (both languages) and docs/ link only to files that exist, and the Chinese README keeps up with the English. */
class DocsLinksTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    /** [text](target) with a relative target; anchors and web links are not checked. */
    private static final Pattern LINK = Pattern.compile("\\]\\((?!https?://|mailto:|#)([^)#\\s]+)(#[^)]*)?\\)");

    @Test
    void everyRelativeLinkPointsToAFile() throws IOException {
        List<String> broken = new ArrayList<>();
        List<Path> pages = new ArrayList<>(List.of(ROOT.resolve("README.md"), ROOT.resolve("README_zh_CN.md")));
        for (String dir : List.of("docs", "bench", "grafana-dashboards", "charts")) {
            if (Files.isDirectory(ROOT.resolve(dir))) {
                try (Stream<Path> s = Files.walk(ROOT.resolve(dir))) {
                    s.filter(p -> p.toString().endsWith(".md") && !p.toString().contains("/target/")).forEach(pages::add);
                }
            }
        }
        for (Path page : pages) {
            for (String target : links(page)) {
                if (!Files.exists(page.getParent().resolve(target).normalize())) {
                    broken.add(ROOT.relativize(page) + " → " + target);
                }
            }
        }
        assertEquals(List.of(), broken, "broken links");
    }

    @Test
    void bothReadmesLinkEachOtherAndTheSameDocs() throws IOException {
        Set<String> en = docsLinks(ROOT.resolve("README.md"));
        Set<String> zh = docsLinks(ROOT.resolve("README_zh_CN.md"));
        assertTrue(links(ROOT.resolve("README.md")).contains("README_zh_CN.md"), "README.md links README_zh_CN.md");
        assertTrue(links(ROOT.resolve("README_zh_CN.md")).contains("README.md"), "README_zh_CN.md links README.md");
        assertEquals(en, zh, "the Chinese README links the same docs pages as the English one");
    }

    private static Set<String> docsLinks(Path readme) throws IOException {
        Set<String> out = new TreeSet<>();
        for (String l : links(readme)) {
            if (l.startsWith("docs/") || l.startsWith("charts/") || l.startsWith("bench/") || l.startsWith("grafana-dashboards/")) {
                out.add(l);
            }
        }
        return out;
    }

    private static List<String> links(Path page) throws IOException {
        List<String> out = new ArrayList<>();
        Matcher m = LINK.matcher(Files.readString(page, StandardCharsets.UTF_8));
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }
}
