#!/usr/bin/env bash
# Soak of openim-exporter (see bench/README.md): every check on short intervals against real etcd, ZooKeeper, Redis,
# Kafka and an in-JVM MongoDB; each store stopped and started ROUNDS times (Kafka and Mongo BIG_ROUNDS times); prints
# source_up down/recovery times and the exporter's threads, open files and RSS before, after the first round, after the
# last, and after an idle minute. Results: bench/out/soak/results.md. About 15-25 min on 2 shared cores.
#
# Environment: ROUNDS (20), BIG_ROUNDS (5), SKIP_BUILD=1 (reuse the last build), EXPORTER_FLAGS (default: the
# launcher's default_opts). Needs etcd-server and redis-server (Debian packages); Kafka comes from Maven jars.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

OUT=bench/out/soak
mkdir -p "$OUT"
if [ "${SKIP_BUILD:-}" != 1 ]; then
  mvn -B -ntp -q -DskipTests package
fi
FLAGS=${EXPORTER_FLAGS:-$(sed -n 's/^default_opts="\(.*\)"$/\1/p' bin/openim-exporter)}
RUN_DIR=$(mktemp -d)
cp exporter/target/openim-exporter.jar bench/target/openim-bench.jar "$RUN_DIR/"
BENCH_PID=""
cleanup() {
  if [ -n "$BENCH_PID" ] && kill -0 "$BENCH_PID" 2>/dev/null; then
    kill -TERM "$BENCH_PID" 2>/dev/null || true  # its shutdown hook stops the exporter and every server
    wait "$BENCH_PID" 2>/dev/null || true
  fi
  rm -rf "$RUN_DIR"
}
trap cleanup EXIT INT TERM HUP
echo "soak.sh: exporter JVM flags: $FLAGS; $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
java -Xmx768m -Dopenim.kafka.libs="$PWD/sandbox/target/kafka-libs" -cp "$RUN_DIR/openim-bench.jar" io.openim.bench.SoakBench \
  "$RUN_DIR/openim-exporter.jar" "$OUT" "$FLAGS" "${ROUNDS:-20}" "${BIG_ROUNDS:-5}" &
BENCH_PID=$!
wait "$BENCH_PID"
BENCH_PID=""
