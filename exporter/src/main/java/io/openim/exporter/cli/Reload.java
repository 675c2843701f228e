package io.openim.exporter.cli;

import io.openim.exporter.Exporter;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** SIGHUP reloads the configuration, as it does for Prometheus and its exporters (it used to end the process). */
final class Reload {
    private Reload() {
    }

    static void onSighup(Exporter exporter) {
        // the signal thread only hands over: a reload reads files and restarts modules
        ExecutorService reloader = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "reload");
            t.setDaemon(true);
            return t;
        });
        try {
            Signal.handle(new Signal("HUP"), s -> reloader.execute(exporter::reload));
        } catch (IllegalArgumentException e) {
            LoggerFactory.getLogger(Reload.class).warn("SIGHUP reload unavailable on this platform: {}", e.getMessage());
        }
    }
}
