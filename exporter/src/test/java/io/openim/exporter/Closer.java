package io.openim.exporter;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;

/**
 * Closes what a test opened, last first, when the test ends, whether it passed or failed. A JUnit extension that
 * a test class registers in one line and then uses from its test and helper methods alike:
 * <pre>{@code
 * @RegisterExtension
 * final Closer closer = new Closer();          // closes after each test
 *
 * @RegisterExtension
 * static final Closer CLASS = Closer.afterAll(); // closes after the class's last test, for @BeforeAll state
 * }</pre>
 * {@link #keep} takes anything {@link AutoCloseable}, so a lambda undoes what is not a resource (a log appender
 * attached, a thread to stop, names to delete from a shared server). A close that throws does not stop the others:
 * all are closed, the first failure fails the test and the later ones are attached to it as suppressed. Closing
 * happens after the class's own {@code @AfterEach} methods and before {@code @TempDir} directories are deleted.
 * The shared servers themselves are not kept here: see {@link SharedServers}.
 */
public final class Closer implements AfterEachCallback, AfterAllCallback {
    private final boolean perTest;
    private final Deque<AutoCloseable> open = new ArrayDeque<>();

    /** Closes after each test. */
    public Closer() {
        this(true);
    }

    private Closer(boolean perTest) {
        this.perTest = perTest;
    }

    /** Closes after all tests of the class, for what {@code @BeforeAll} opened; register it on a static field. */
    public static Closer afterAll() {
        return new Closer(false);
    }

    /** Closes {@code c} when the test (or, for {@link #afterAll()}, the class) ends; returns it. */
    public <T extends AutoCloseable> T keep(T c) {
        Objects.requireNonNull(c, "nothing to close");
        synchronized (open) {
            open.push(c);
        }
        return c;
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        if (perTest) {
            closeAll();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        closeAll();
    }

    private void closeAll() throws Exception {
        Exception first = null;
        while (true) {
            AutoCloseable c;
            synchronized (open) {
                c = open.poll();
            }
            if (c == null) {
                break;
            }
            try {
                c.close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
