package io.openim.exporter.logs;


import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The signatures the check counts: the built-in ones, then those of {@code logs.signatures}. */
final class ConfiguredSignatures {
    private ConfiguredSignatures() {
    }

    static List<Signature> of(List<LogsSettings.Signature> configured) {
        List<Signature> signatures = new ArrayList<>(Signature.builtin());
        for (LogsSettings.Signature s : configured) {
            signatures.add(s.regex() != null && !s.regex().isEmpty() ? Signature.regex(s.name(), s.regex())
                    : Signature.literals(s.name(), s.literal()));
        }
        return mergeByName(signatures);
    }

    /** Entries sharing a name (or a built-in's name) add literals to one signature; regexes come last, each its own. */
    static List<Signature> mergeByName(List<Signature> in) {
        Map<String, Signature> out = new LinkedHashMap<>();
        List<Signature> regexes = new ArrayList<>();
        for (Signature s : in) {
            if (s.regex() != null) {
                regexes.add(s);
                continue;
            }
            out.merge(s.name(), s, (a, b) -> {
                List<String> lits = new ArrayList<>(a.literals());
                lits.addAll(b.literals());
                return new Signature(a.name(), lits, null);
            });
        }
        List<Signature> all = new ArrayList<>(out.values());
        all.addAll(regexes);
        return all;
    }
}
