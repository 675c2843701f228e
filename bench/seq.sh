#!/usr/bin/env bash
# Seq benchmark (issue 4; see bench/README.md, section "Seq consistency"): N conversations (default 1,000,000) in a
# real Redis (Debian redis-server) and the in-JVM MongoDB, then side by side in one run:
#   1. the exporter's Redis pass vs a plain SCAN + pipelined HGET loop (same lettuce) on the same data,
#   2. one scrape of Debian's prometheus-redis-exporter --check-keys='MALLOC_SEQ:*' (PEER_TIMEOUT_S, default 300),
#   3. the exporter as a separate process with bin/openim-exporter's JVM flags: first full sweep and RSS during it.
# Results: printed and written to bench/out/seq-results.md. Environment: N, PEER_TIMEOUT_S, SWEEP_TIMEOUT_MIN (20),
# BENCH_HEAP (heap of the harness, which holds the in-JVM Mongo: default 6g), SKIP_BUILD=1.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

N=${N:-1000000}
OUT=bench/out
mkdir -p "$OUT"
for bin in /usr/bin/redis-server prometheus-redis-exporter; do
  command -v "$bin" >/dev/null 2>&1 || { echo "seq.sh: $bin not found: apt-get install redis-server prometheus-redis-exporter" >&2; exit 1; }
done
if [ "${SKIP_BUILD:-}" != 1 ]; then
  mvn -q -B -ntp -DskipTests install
fi
FLAGS=$(sed -n 's/^default_opts="\(.*\)"$/\1/p' bin/openim-exporter)
RUN_DIR=$(mktemp -d)
cp exporter/target/openim-exporter.jar bench/target/openim-bench.jar "$RUN_DIR/"
BENCH_PID=""
cleanup() {
  if [ -n "$BENCH_PID" ] && kill -0 "$BENCH_PID" 2>/dev/null; then
    kill -TERM "$BENCH_PID" 2>/dev/null || true  # its shutdown hooks stop Redis and the exporter
    wait "$BENCH_PID" 2>/dev/null || true
  fi
  rm -rf "$RUN_DIR"
}
trap cleanup EXIT INT TERM HUP
echo "seq.sh: $N conversations; exporter JVM flags: $FLAGS; $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
java "-Xmx${BENCH_HEAP:-6g}" -cp "$RUN_DIR/openim-bench.jar" io.openim.bench.SeqBench "$N" "$OUT" "$RUN_DIR/openim-exporter.jar" "$FLAGS" &
BENCH_PID=$!
wait "$BENCH_PID"
BENCH_PID=""
