package io.openim.exporter;

import java.util.ArrayDeque;
import java.util.Deque;

/** Closes what a test opened, last first. */
public final class Closer implements AutoCloseable {
    private final Deque<AutoCloseable> open = new ArrayDeque<>();

    public <T extends AutoCloseable> T keep(T c) {
        open.push(c);
        return c;
    }

    @Override
    public void close() throws Exception {
        while (!open.isEmpty()) {
            open.pop().close();
        }
    }
}
