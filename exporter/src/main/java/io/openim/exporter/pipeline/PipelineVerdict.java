package io.openim.exporter.pipeline;

import io.openim.exporter.pipeline.Finding.Kind;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Every finding of one walk through the guide's stages, and the verdict: the first stage, in the guide's order, with
 * evidence of a fault. The exit codes are those of {@code diagnose seq}.
 */
public record PipelineVerdict(List<Finding> findings) {
    public static final int HEALTHY = 0;
    public static final int UNREACHABLE = 1;
    public static final int BROKEN = 3;

    /** What can be said of a stage as a whole. */
    public enum State {
        HEALTHY, BROKEN, UNREACHABLE, NOT_JUDGED
    }

    public PipelineVerdict {
        findings = List.copyOf(findings);
    }

    public List<Finding> of(Stage stage) {
        return findings.stream().filter(f -> f.stage() == stage).toList();
    }

    public State state(Stage stage) {
        List<Finding> fs = of(stage);
        if (fs.stream().anyMatch(f -> f.kind() == Kind.BROKEN)) {
            return State.BROKEN;
        }
        if (fs.stream().anyMatch(f -> f.kind() == Kind.UNREACHABLE)) {
            return State.UNREACHABLE;
        }
        return fs.stream().anyMatch(f -> f.kind() == Kind.OK) ? State.HEALTHY : State.NOT_JUDGED;
    }

    public Optional<Stage> firstBroken() {
        return Arrays.stream(Stage.values()).filter(s -> state(s) == State.BROKEN).findFirst();
    }

    /** Stages before {@code limit} (all when null) whose sources could not be read. */
    private List<Stage> unreachableBefore(Stage limit) {
        return Arrays.stream(Stage.values()).filter(s -> limit == null || s.ordinal() < limit.ordinal())
                .filter(s -> state(s) == State.UNREACHABLE).toList();
    }

    /**
     * 3 when a stage is broken and every stage before it could be read; 1 when a source needed before the first
     * broken stage (or anywhere, when none is broken) could not be read; 0 when every stage judged is healthy.
     */
    public int exitCode() {
        Stage first = firstBroken().orElse(null);
        if (!unreachableBefore(first).isEmpty()) {
            return UNREACHABLE;
        }
        return first != null ? BROKEN : HEALTHY;
    }

    /** The last line of {@code diagnose pipeline}, without "verdict: ". */
    public String line() {
        Stage first = firstBroken().orElse(null);
        List<Stage> blind = unreachableBefore(first);
        String blindText = blind.stream().map(s -> s.named() + " could not be judged (" + firstText(s, Kind.UNREACHABLE) + ")")
                .collect(Collectors.joining("; "));
        if (first != null && blind.isEmpty()) {
            return "first broken stage: " + first.named() + ": " + firstText(first, Kind.BROKEN);
        }
        if (first != null) {
            return blindText + "; so the first broken stage is not known, " + first.named() + " is broken: " + firstText(first, Kind.BROKEN);
        }
        if (!blind.isEmpty()) {
            return blindText;
        }
        List<Stage> judged = Arrays.stream(Stage.values()).filter(s -> state(s) == State.HEALTHY).toList();
        List<Stage> notJudged = Arrays.stream(Stage.values()).filter(s -> state(s) == State.NOT_JUDGED).toList();
        if (judged.isEmpty()) {
            return "no stage could be judged: " + names(notJudged) + " not looked at";
        }
        return "every stage judged is healthy (" + names(judged) + ")"
                + (notJudged.isEmpty() ? "" : "; not judged: " + names(notJudged));
    }

    /** Each stage with its state and evidence, then the verdict line. */
    public String text() {
        List<String> lines = new ArrayList<>();
        for (Stage s : Stage.values()) {
            lines.add(s.step() + " " + s.label() + " — " + s.title() + ": " + stateText(state(s)));
            for (Finding f : of(s)) {
                lines.add("      " + kindText(f.kind()) + f.text());
            }
        }
        lines.add("verdict: " + line());
        return String.join("\n", lines) + "\n";
    }

    private String firstText(Stage s, Kind kind) {
        return of(s).stream().filter(f -> f.kind() == kind).map(Finding::text).findFirst().orElse("");
    }

    private static String names(List<Stage> stages) {
        return stages.stream().map(Stage::named).collect(Collectors.joining(", "));
    }

    static String stateText(State s) {
        return switch (s) {
            case HEALTHY -> "healthy";
            case BROKEN -> "BROKEN";
            case UNREACHABLE -> "COULD NOT BE JUDGED";
            case NOT_JUDGED -> "not judged";
        };
    }

    private static String kindText(Kind k) {
        return switch (k) {
            case OK -> "ok:          ";
            case BROKEN -> "BROKEN:      ";
            case UNREACHABLE -> "unreachable: ";
            case NOT_LOOKED -> "not looked:  ";
        };
    }
}
