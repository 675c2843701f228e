package io.openim.exporter.logs;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Counts lines by (service, level) and signatures by (service, signature). The hot path
 * ({@link #line}) parses and matches in place and only increments array cells.
 */
public final class LineCounter implements SignatureMatcher.Lines {
    private final SignatureMatcher matcher;
    private final ServiceLabels services;
    private final LineParser parser = new LineParser();
    private final int[] hits;
    private long[][] signatures = new long[8][];
    private long[][] levels = new long[8][];
    private long overflow;
    private long seen;
    private int scanFallback;
    /** The file whose lines come now, and the service of its entry left open by a split v3.8.3 line (-1: none). */
    private Object file;
    private int openService = -1;
    private final Map<Object, Integer> openElsewhere = new HashMap<>();

    public LineCounter(SignatureMatcher matcher, ServiceLabels services) {
        this.matcher = matcher;
        this.services = services;
        this.hits = new int[Math.max(1, matcher.size())];
    }

    public ServiceLabels services() {
        return services;
    }

    /**
     * One line, without its newline. {@code fallback} is the service when the line names none
     * (a Kubernetes container's name, or UNKNOWN).
     */
    public void line(byte[] b, int from, int to, int fallback) {
        int n = matcher.match(b, from, to, hits);
        count(b, from, to, fallback, hits, n);
    }

    /**
     * Every whole line in {@code b[from, to)}, matched in one pass of the automaton; returns where the
     * unfinished last line starts.
     */
    public int scan(byte[] b, int from, int to, int fallback) {
        scanFallback = fallback;
        return matcher.scan(b, from, to, this);
    }

    @Override
    public void line(byte[] b, int from, int to, int[] found, int n) {
        count(b, from, to, scanFallback, found, n);
    }

    /**
     * The lines that follow come from {@code key}'s file: the half of a split entry (see {@link LineParser}) that
     * one file left open waits for that file's next line, whatever other files are read in between.
     */
    public void file(Object key) {
        if (key.equals(file)) {
            return;
        }
        if (file != null && openService >= 0) {
            openElsewhere.put(file, openService);
        }
        file = key;
        Integer open = openElsewhere.remove(key);
        openService = open == null ? -1 : open;
    }

    /** Lines handed over so far (blank ones included). */
    public long seen() {
        return seen;
    }

    private void count(byte[] b, int from, int to, int fallback, int[] found, int n) {
        seen++;
        if (to > from && b[to - 1] == '\r') {
            to--;
        }
        if (to <= from) {
            return;
        }
        parser.parse(b, from, to);
        int svc;
        if (parser.continuation()) {
            // the second half of an entry counted with its first half: only its signatures count, for that service
            svc = openService >= 0 ? openService : fallback;
            openService = -1;
        } else {
            svc = parser.nameTo() > parser.nameFrom() ? services.id(b, parser.nameFrom(), parser.nameTo()) : fallback;
            if (svc == ServiceLabels.UNKNOWN) {
                svc = fallback;
            }
            if (svc == ServiceLabels.OTHER) {
                overflow++;
            }
            row(svc, levels, LineParser.LEVELS.length)[parser.level()]++;
            openService = parser.opensEntry() ? svc : -1;
        }
        if (n > 0) {
            long[] row = row(svc, signatures, matcher.size());
            for (int i = 0; i < n; i++) {
                row[found[i]]++;
            }
        }
    }

    private long[] row(int svc, long[][] table, int width) {
        if (svc >= table.length) {
            long[][] bigger = new long[Math.max(svc + 1, table.length * 2)][];
            System.arraycopy(table, 0, bigger, 0, table.length);
            if (table == levels) {
                levels = bigger;
            } else {
                signatures = bigger;
            }
            table = bigger;
        }
        long[] row = table[svc];
        if (row == null) {
            row = table[svc] = new long[width];
        }
        return row;
    }

    /** Lines whose service was folded into {@code other} by the cap. */
    public long overflow() {
        return overflow;
    }

    /** Restores counts saved before a restart; names no longer configured are dropped. */
    public void restoreSignature(String service, String signature, long value) {
        for (int id = 0; id < matcher.size(); id++) {
            if (matcher.name(id).equals(signature)) {
                row(services.id(service), signatures, matcher.size())[id] += value;
                return;
            }
        }
    }

    public void restoreLevel(String service, String level, long value) {
        for (int id = 0; id < LineParser.LEVELS.length; id++) {
            if (LineParser.LEVELS[id].equals(level)) {
                row(services.id(service), levels, LineParser.LEVELS.length)[id] += value;
                return;
            }
        }
    }

    public void restoreOverflow(long value) {
        overflow += value;
    }

    /** Every signature of every service seen (zeros included, so a rate starts from a known 0). */
    public List<LogsResult.SignatureCount> signatureCounts() {
        List<LogsResult.SignatureCount> out = new ArrayList<>();
        for (int svc = 0; svc < Math.max(levels.length, signatures.length); svc++) {
            long[] row = svc < signatures.length ? signatures[svc] : null;
            if (row == null && (svc >= levels.length || levels[svc] == null)) {
                continue;
            }
            for (int id = 0; id < matcher.size(); id++) {
                out.add(new LogsResult.SignatureCount(services.name(svc), matcher.name(id), row == null ? 0 : row[id]));
            }
        }
        return out;
    }

    public List<LogsResult.LineCount> lineCounts() {
        List<LogsResult.LineCount> out = new ArrayList<>();
        for (int svc = 0; svc < levels.length; svc++) {
            if (levels[svc] == null) {
                continue;
            }
            for (int lvl = 0; lvl < LineParser.LEVELS.length; lvl++) {
                if (levels[svc][lvl] > 0) {
                    out.add(new LogsResult.LineCount(services.name(svc), LineParser.LEVELS[lvl], levels[svc][lvl]));
                }
            }
        }
        return out;
    }
}
