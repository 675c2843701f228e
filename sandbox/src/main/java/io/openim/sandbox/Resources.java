package io.openim.sandbox;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What a demo started, closed in reverse order, best effort. Thread-safe: a shutdown hook may close it while
 * the demo is still starting servers, and whatever was added by then is stopped.
 */
final class Resources implements AutoCloseable {
    private final List<AutoCloseable> opened = new CopyOnWriteArrayList<>();

    <T extends AutoCloseable> T add(T resource) {
        opened.add(resource);
        return resource;
    }

    @Override
    public void close() {
        for (int i = opened.size() - 1; i >= 0; i--) {
            try {
                opened.remove(i).close();
            } catch (Exception ignored) {
                // best effort: the servers' own shutdown hooks clean up the rest
            }
        }
    }
}
