package io.openim.exporter.seq;

/** A Mongo error inside a Redis-driven loop: marks the mongo source down, not redis. */
final class MongoFailure extends Exception {
    MongoFailure(RuntimeException cause) {
        super(cause);
    }
}
