package io.openim.exporter.logs;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Built-ins first, then config entries; a name given twice is one signature with all its literals. */
class ConfiguredSignaturesTest {
    @Test
    void configEntriesMergeByNameAndRegexesComeLast() {
        List<Signature> s = ConfiguredSignatures.of(List.of(
                new LogsSettings.Signature("port", null, "1637\\d"),
                new LogsSettings.Signature("tcp_write", "write tcp ", null),
                new LogsSettings.Signature("broken_pipe", "rpc server resp", null),
                new LogsSettings.Signature("tcp_write", "write udp ", null)));
        List<String> builtin = Signature.builtin().stream().map(Signature::name).toList();
        assertEquals(builtin, s.subList(0, builtin.size()).stream().map(Signature::name).toList());
        assertEquals(List.of("write: broken pipe", "rpc server resp"), s.get(0).literals());
        assertEquals("tcp_write", s.get(builtin.size()).name());
        assertEquals(List.of("write tcp ", "write udp "), s.get(builtin.size()).literals());
        assertEquals("port", s.get(s.size() - 1).name());
        assertEquals(builtin.size() + 2, s.size());
    }
}
