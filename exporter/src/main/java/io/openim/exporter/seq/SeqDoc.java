package io.openim.exporter.seq;

/** Mongo {@code seq} document of a conversation (v3.8+): the reserved ceiling and the lowest visible seq. */
public record SeqDoc(long maxSeq, long minSeq) {
}
