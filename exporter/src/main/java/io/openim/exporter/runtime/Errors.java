package io.openim.exporter.runtime;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * The one place an exception becomes the short text shown in the exporter's log, on the landing page and
 * in {@code source_up}'s reason: the real cause (not its executor wrapper), on one line.
 */
public final class Errors {
    private Errors() {
    }

    /** The cause behind executor and future wrappers. */
    public static Throwable unwrap(Throwable t) {
        Throwable c = t;
        while ((c instanceof ExecutionException || c instanceof CompletionException) && c.getCause() != null) {
            c = c.getCause();
        }
        return c;
    }

    /** The first line of the message, or the type's simple name when there is no message. */
    public static String message(Throwable t) {
        String m = t.getMessage();
        return m == null ? t.getClass().getSimpleName() : m.lines().findFirst().orElse("");
    }

    /** {@code Type: message}, for errors whose type says more than their message. */
    public static String typed(Throwable t) {
        return t.getClass().getSimpleName() + ": " + t.getMessage();
    }
}
