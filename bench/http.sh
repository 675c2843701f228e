#!/usr/bin/env bash
# /metrics under crowds (see bench/README.md, "HTTP under load"): the exporter jar as a separate process, then
#   1. CLIENTS keep-alive scrapers back to back for DURATION seconds,
#   2. CLIENTS scrapers opening a new connection per request for DURATION seconds,
# each while SLOW more clients hold partial requests. Prints errors, p50, p99 and max per phase and writes them to
# bench/out/http/. With BEFORE_JAR set, the same runs against that jar too (e.g. a build of the previous release).
#
# Environment: CLIENTS (200), SLOW (50), DURATION (60, seconds per phase), JVM_FLAGS (the launcher's default_opts), BEFORE_JAR,
# SKIP_BUILD=1 (reuse the last build). Takes about 2 x DURATION per jar plus the build.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

OUT=bench/out/http
LAUNCHER=bin/openim-exporter
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  echo "building (mvn -q -B -DskipTests -pl bench -am package)..."
  mvn -q -B -DskipTests -pl bench -am package
fi
for f in exporter/target/openim-exporter.jar bench/target/openim-bench.jar; do
  [ -f "$f" ] || { echo "missing $f: build failed?" >&2; exit 1; }
done
JVM_FLAGS=${JVM_FLAGS:-$( [ -f "$LAUNCHER" ] && sed -n 's/^default_opts="\(.*\)"$/\1/p' "$LAUNCHER" || true)}

mkdir -p "$OUT"
RUN_DIR=$(mktemp -d "${TMPDIR:-/tmp}/openim-http-bench.XXXXXX")
trap 'rm -rf "$RUN_DIR"' EXIT
cp exporter/target/openim-exporter.jar "$RUN_DIR/after.jar"
cp bench/target/openim-bench.jar "$RUN_DIR/bench.jar"
jars=(after)
if [ -n "${BEFORE_JAR:-}" ]; then
  cp "$BEFORE_JAR" "$RUN_DIR/before.jar"
  jars=(before after)
fi
for name in "${jars[@]}"; do
  # the harness stops its exporter on exit (ExporterProcess is AutoCloseable)
  java -cp "$RUN_DIR/bench.jar" io.openim.bench.HttpBench --jar "$RUN_DIR/$name.jar" --name "$name" --out "$OUT" \
    --clients "${CLIENTS:-200}" --slow "${SLOW:-50}" --seconds "${DURATION:-60}" --jvm-flags "$JVM_FLAGS"
  echo
done
