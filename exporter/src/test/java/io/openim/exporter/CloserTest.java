package io.openim.exporter;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The extension's own contract, called as JUnit calls it (its callbacks do not use the context). */
class CloserTest {
    private final List<String> closed = new ArrayList<>();

    private AutoCloseable named(String name) {
        return () -> closed.add(name);
    }

    @Test
    void closesLastFirstAfterEachTestAndOnlyOnce() throws Exception {
        Closer closer = new Closer();
        AutoCloseable a = named("a");
        assertSame(a, closer.keep(a), "keep hands back what it keeps");
        closer.keep(named("b"));
        closer.keep(named("c"));
        closer.afterEach(null);
        assertEquals(List.of("c", "b", "a"), closed);
        closer.afterEach(null);
        assertEquals(List.of("c", "b", "a"), closed, "nothing is closed twice");
    }

    @Test
    void aFailingCloseDoesNotStopTheOthersAndTheFirstFailureIsThrown() {
        Closer closer = new Closer();
        closer.keep(named("a"));
        IOException early = new IOException("closed first, fails first");
        IOException late = new IOException("closed later, fails later");
        closer.keep(() -> {
            closed.add("b");
            throw late;
        });
        closer.keep(() -> {
            closed.add("c");
            throw early;
        });
        IOException thrown = assertThrows(IOException.class, () -> closer.afterEach(null));
        assertSame(early, thrown);
        assertArrayEquals(new Throwable[]{late}, thrown.getSuppressed());
        assertEquals(List.of("c", "b", "a"), closed);
    }

    @Test
    void afterAllClosesOnlyWhenTheClassIsDone() throws Exception {
        Closer closer = Closer.afterAll();
        closer.keep(named("a"));
        closer.afterEach(null);
        assertEquals(List.of(), closed, "kept for the next test of the class");
        closer.afterAll(null);
        assertEquals(List.of("a"), closed);
    }

    @Test
    void keepRefusesNull() {
        assertThrows(NullPointerException.class, () -> new Closer().keep(null));
    }
}
