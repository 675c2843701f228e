package io.openim.exporter.discovery;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A slow full read must not undo the watch events that arrived while it ran (seen as a flaky ZooKeeper test under load). */
class LiveViewTest {
    @Test
    void aReadBegunBeforeADeregistrationDoesNotBringItBack() {
        LiveView view = new LiveView();
        view.replace(Map.of("push", Map.of("n1", "10.0.0.1:10170")));
        long mark = view.mark();
        // the read sees push registered; the deregistration's event arrives before the read returns
        Map<String, Map<String, String>> read = Map.of("push", Map.of("n1", "10.0.0.1:10170"));
        view.remove("push", "n1");
        view.replace(read, mark);
        assertEquals(Map.of("push", List.of()), view.addresses());
        assertEquals(Map.of("push", 1L), view.changes(), "one deregistration, counted once");
    }

    @Test
    void aReadBegunBeforeARegistrationKeepsIt() {
        LiveView view = new LiveView();
        view.replace(Map.of());
        long mark = view.mark();
        view.put("msg", "n2", "10.0.0.2:10280");
        view.replace(Map.of(), mark);
        assertEquals(Map.of("msg", List.of("10.0.0.2:10280")), view.addresses());
        assertEquals(Map.of("msg", 1L), view.changes());
    }

    @Test
    void aReadBegunAfterTheEventsIsTakenAsItIs() {
        LiveView view = new LiveView();
        view.replace(Map.of("push", Map.of("n1", "10.0.0.1:10170")));
        view.remove("push", "n1");
        long mark = view.mark();
        // registered again meanwhile, without an event reaching us: the read is newer than every event
        view.replace(Map.of("push", Map.of("n3", "10.0.0.3:10170")), mark);
        assertEquals(Map.of("push", List.of("10.0.0.3:10170")), view.addresses());
        assertEquals(Map.of("push", 2L), view.changes(), "the deregistration, then the registration the read found");
    }
}
