package io.openim.exporter.pipeline;

/** One piece of evidence about a stage, one line of {@code diagnose pipeline}'s output. */
public record Finding(Stage stage, Kind kind, String text) {
    public enum Kind {
        /** Looked at, fine. */
        OK,
        /** Evidence of a fault. */
        BROKEN,
        /** Its source could not be read: the stage cannot be called healthy. */
        UNREACHABLE,
        /** Not looked at (check off, or it needs OpenIM's metrics and no Prometheus was given). */
        NOT_LOOKED
    }

    public static Finding ok(Stage s, String text) {
        return new Finding(s, Kind.OK, text);
    }

    public static Finding broken(Stage s, String text) {
        return new Finding(s, Kind.BROKEN, text);
    }

    public static Finding unreachable(Stage s, String text) {
        return new Finding(s, Kind.UNREACHABLE, text);
    }

    public static Finding notLooked(Stage s, String text) {
        return new Finding(s, Kind.NOT_LOOKED, text);
    }
}
