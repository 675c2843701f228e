package io.openim.exporter.logs;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** CRI lines to messages: final lines, partials joined, and what is not CRI passed on whole. */
class CriDecoderTest {
    private final List<String> messages = new ArrayList<>();
    private final CriDecoder cri = new CriDecoder((b, from, to) -> messages.add(new String(b, from, to - from, StandardCharsets.UTF_8)));

    private void line(String s, long offset) {
        byte[] b = ("xx" + s + "yy").getBytes(StandardCharsets.UTF_8); // a slice inside a larger buffer
        cri.line(b, 2, b.length - 2, offset);
    }

    @Test
    void aFinalLineGivesItsMessage() {
        line("2026-05-16T14:45:33.123456789Z stdout F write: broken pipe", 0);
        line("2026-05-16T14:45:33.123456789Z stderr F panic: x y", 60);
        assertEquals(List.of("write: broken pipe", "panic: x y"), messages);
        assertEquals(-1, cri.pendingFrom());
    }

    @Test
    void partialsWaitForTheirFinalPieceAndRememberWhereTheyStarted() {
        line("2026-05-16T14:45:33.1Z stdout P write: bro", 100);
        line("2026-05-16T14:45:33.2Z stdout P ken ", 140);
        assertEquals(List.of(), messages);
        assertEquals(100, cri.pendingFrom(), "a restart resumes before the first partial");
        line("2026-05-16T14:45:33.3Z stdout F pipe", 170);
        assertEquals(List.of("write: broken pipe"), messages);
        assertEquals(-1, cri.pendingFrom());
    }

    @Test
    void emptyMessageAndLinesThatAreNotCri() {
        line("2026-05-16T14:45:33.1Z stdout F", 0);
        line("plain line", 0);
        line("two words", 0);
        assertEquals(List.of("", "plain line", "two words"), messages);
    }

    @Test
    void flushHandsOverWaitingPartialsAndResetDropsThem() {
        line("t stdout P half", 0);
        cri.flush();
        assertEquals(List.of("half"), messages);
        cri.flush();
        assertEquals(1, messages.size(), "nothing waits any more");
        line("t stdout P dropped", 10);
        cri.reset();
        assertEquals(-1, cri.pendingFrom());
        line("t stdout F next", 30);
        assertEquals(List.of("half", "next"), messages);
    }

    @Test
    void partialsBeyondTheCapAreCountedInPieces() {
        String piece = "a".repeat(CriDecoder.MAX_JOINED / 2);
        line("t stdout P " + piece, 0);
        line("t stdout P " + piece, 1);
        assertEquals(1, messages.size(), "held no longer once the cap is reached");
        assertEquals(CriDecoder.MAX_JOINED, messages.get(0).length());
        line("t stdout F end", 2);
        assertEquals("end", messages.get(1));
    }
}
