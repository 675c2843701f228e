#!/usr/bin/env bash
# Benchmark of openim-exporter (see bench/README.md): builds, then runs bench/target/openim-bench.jar, which starts
# real etcd, an in-JVM ZooKeeper and a hung ZooKeeper, runs the exporter jar as separate processes and measures
#   1. /metrics latency under concurrent scrapes while a registry hangs,
#   2. deregistration -> changed metric latency (etcd and ZooKeeper watches),
#   3. idle RSS with default JVM flags and with the container flags.
# Results are printed and written to bench/out/results.md. Takes about 2 minutes plus the build on 2 cores.
#
# Environment overrides: CLIENTS (50), WARMUP_S (3), MEASURE_S (15), ROUNDS (30), IDLE_S (20),
# CONTAINER_JVM_FLAGS (default: the default_opts of bin/openim-exporter, the launcher the image uses),
# SKIP_BUILD=1 (reuse the last build),
# BENCH_SOURCE (what the report says was measured; default: the git commit),
# NMT=1 (native memory tracking on the RSS runs, jcmd summaries in bench/out: inflates RSS, for diagnosis only).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

OUT=bench/out
EXPORTER_JAR=exporter/target/openim-exporter.jar
BENCH_JAR=bench/target/openim-bench.jar
LAUNCHER=bin/openim-exporter

# the "container" JVM flags: CONTAINER_JVM_FLAGS, else the defaults the shipped launcher uses, else our own set
if [ -n "${CONTAINER_JVM_FLAGS:-}" ]; then
  FLAGS_FROM="CONTAINER_JVM_FLAGS"
elif [ -f "$LAUNCHER" ] && CONTAINER_JVM_FLAGS=$(sed -n 's/^default_opts="\(.*\)"$/\1/p' "$LAUNCHER") \
    && [ -n "$CONTAINER_JVM_FLAGS" ]; then
  FLAGS_FROM="default_opts of $LAUNCHER"
else
  CONTAINER_JVM_FLAGS="-XX:+UseSerialGC -Xms16m -Xmx64m -Xss512k -XX:MaxMetaspaceSize=64m -XX:ReservedCodeCacheSize=32m -XX:TieredStopAtLevel=1 -XX:MaxDirectMemorySize=32m"
  FLAGS_FROM="bench/run.sh (no default_opts found in $LAUNCHER)"
fi

RUN_DIR=""
BENCH_PID=""
# everything the harness started (etcd, exporters), collected while it runs in case it cannot clean up itself
descendants() {
  local child
  for child in $(ps -o pid= --ppid "$1" 2>/dev/null); do
    echo "$child"
    descendants "$child"
  done
}
cleanup() {
  local rc=$?
  trap - EXIT INT TERM HUP
  if [ -n "$BENCH_PID" ] && kill -0 "$BENCH_PID" 2>/dev/null; then
    local kids
    kids=$(descendants "$BENCH_PID" || true)
    kill -TERM "$BENCH_PID" 2>/dev/null || true # its shutdown hook stops the exporters, etcd and ZooKeeper
    for _ in $(seq 1 100); do
      kill -0 "$BENCH_PID" 2>/dev/null || break
      sleep 0.2
    done
    kill -KILL "$BENCH_PID" 2>/dev/null || true
    for pid in $kids; do
      kill -KILL "$pid" 2>/dev/null || true
    done
  fi
  # what the harness launched (exporters, etcd), should it have died without stopping them: lines "PID MARKER",
  # killed only while the command line still contains MARKER (the private jar path, etcd's data dir)
  if [ -f "$OUT/pids" ]; then
    local pid marker
    while read -r pid marker; do
      if [ -n "$pid" ] && [ -n "$marker" ] && [ -r "/proc/$pid/cmdline" ] \
          && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$marker"; then
        kill -KILL "$pid" 2>/dev/null || true
      fi
    done <"$OUT/pids"
  fi
  [ -n "$RUN_DIR" ] && rm -rf "$RUN_DIR"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  echo "building (mvn -q -B -DskipTests install)..."
  mvn -q -B -DskipTests install
fi
for f in "$EXPORTER_JAR" "$BENCH_JAR"; do
  [ -f "$f" ] || { echo "missing $f: build failed?" >&2; exit 1; }
done
[ -x /usr/bin/etcd ] || command -v etcd >/dev/null || { echo "etcd not found: install Debian package etcd-server" >&2; exit 1; }

# what is measured: the commit, and whether the exporter's sources differ from it
if [ -n "${BENCH_SOURCE:-}" ]; then
  SOURCE=$BENCH_SOURCE
elif git rev-parse --git-dir >/dev/null 2>&1; then
  SOURCE="commit $(git rev-parse --short HEAD)"
  if [ -n "$(git status --porcelain -- exporter sandbox)" ]; then
    SOURCE="$SOURCE + uncommitted changes in exporter/ or sandbox/"
  fi
else
  SOURCE="a tree outside git"
fi

# run private copies: a rebuild in this tree meanwhile must not swap the jars under running JVMs
mkdir -p "$OUT"
rm -f "$OUT/results.md" "$OUT/pids" "$OUT"/exporter-*.yml "$OUT"/exporter-*.log "$OUT"/nmt-*.txt
RUN_DIR=$(mktemp -d "${TMPDIR:-/tmp}/openim-bench.XXXXXX")
cp "$EXPORTER_JAR" "$RUN_DIR/openim-exporter.jar"
cp "$BENCH_JAR" "$RUN_DIR/openim-bench.jar"

# its temp dirs (etcd's and ZooKeeper's data) go in RUN_DIR too, so they are removed even if it is killed
java -Djava.io.tmpdir="$RUN_DIR" -jar "$RUN_DIR/openim-bench.jar" \
  --exporter-jar "$RUN_DIR/openim-exporter.jar" \
  --source "$SOURCE" \
  --out "$OUT" \
  --clients "${CLIENTS:-50}" \
  --warmup "${WARMUP_S:-3}" \
  --measure "${MEASURE_S:-15}" \
  --rounds "${ROUNDS:-30}" \
  --idle "${IDLE_S:-20}" \
  --container-flags "$CONTAINER_JVM_FLAGS" \
  --container-flags-from "$FLAGS_FROM" \
  --nmt "$([ "${NMT:-0}" = 1 ] && echo true || echo false)" &
BENCH_PID=$!
wait "$BENCH_PID"
BENCH_PID=""

echo
echo "results: $OUT/results.md (exporter configs and logs next to it)"
