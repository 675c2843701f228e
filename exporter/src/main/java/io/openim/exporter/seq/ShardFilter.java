package io.openim.exporter.seq;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * {@code --shard i/n}: this replica owns the conversations whose CRC-32 (IEEE) of the UTF-8 conversation ID,
 * mod n, is i. The hash is stable across JVMs and versions, so n replicas split the work without overlap.
 */
public record ShardFilter(int index, int count) {
    public boolean owns(String conversationId) {
        if (count == 1) {
            return true;
        }
        CRC32 crc = new CRC32();
        crc.update(conversationId.getBytes(StandardCharsets.UTF_8));
        return crc.getValue() % count == index;
    }
}
