#!/usr/bin/env bash
# Detection-latency benchmark (bench/README.md, section "Detection latency"), one run, side by side:
#   1. logs: a line appended to an OpenIM log → openim_log_signature_total changed at /metrics, p50/p99 over ROUNDS
#      appends, the exporter (launcher flags, 15 s cycle) vs Debian's mtail following the same file;
#   2. Kafka: a group stuck for STUCK_S seconds before the exporter starts: lag_seconds at the first scrape vs the true
#      age, with record timestamps (default) and with the interpolation only (what the exporter had before);
#   3. start → every group's lag known, exporter vs Debian's Burrow (bench/kafka.sh's harness, 2,000 partitions,
#      50 groups; CYCLES=3, CLI_RUNS=1 here);
#   4. discovery deregistration → changed metric (bench/run.sh's harness, etcd and ZooKeeper watches).
# Results: bench/out/latency/results.md. About 8-10 minutes on 2 cores plus the build.
# Environment: ROUNDS (100), STUCK_S (60), SKIP_BUILD=1, SKIP_BURROW=1, SKIP_DISCOVERY=1.
# Installs Debian's mtail and burrow when missing (as root); part 4 needs etcd-server (as bench/run.sh).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

OUT=bench/out/latency
mkdir -p "$OUT"

need=()
command -v mtail >/dev/null 2>&1 || need+=(mtail)
[ "${SKIP_BURROW:-0}" = 1 ] || [ -x /usr/bin/Burrow ] || need+=(burrow)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "installing ${need[*]}..."
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null \
      || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null; }
  else
    echo "missing ${need[*]}: sudo apt-get install ${need[*]}" >&2
    exit 1
  fi
fi

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  echo "building (mvn package, tests skipped)..."
  mvn -q -B -ntp -DskipTests package
fi
# the launcher's JVM flags (bin/openim-exporter default_opts): what the image runs
FLAGS=$(sed -n 's/^default_opts="\(.*\)"$/\1/p' bin/openim-exporter)
# and, as the launcher does, the class-data-sharing archive `mvn package` leaves next to the jar
[ ! -f exporter/target/openim-exporter.jsa ] || FLAGS="$FLAGS -XX:SharedArchiveFile=$PWD/exporter/target/openim-exporter.jsa"

# ---------------------------------------------------------------- 1 and 2
java -Xmx512m -Dopenim.kafka.libs="$PWD/sandbox/target/kafka-libs" -cp bench/target/openim-bench.jar \
  io.openim.bench.LatencyBench "$OUT" exporter/target/openim-exporter.jar "$FLAGS"

# ---------------------------------------------------------------- 3
KNOWN="not measured (SKIP_BURROW=1)"
if [ "${SKIP_BURROW:-0}" != 1 ]; then
  mkdir -p "$OUT/kafka"
  CYCLES=${CYCLES:-3} CLI_RUNS=${CLI_RUNS:-1} java -Xmx512m -Dopenim.kafka.libs="$PWD/sandbox/target/kafka-libs" \
    -cp bench/target/openim-bench.jar io.openim.bench.KafkaBench "$OUT/kafka" exporter/target/openim-exporter.jar "$FLAGS" \
    >"$OUT/kafka/run.log" 2>&1 || echo "KafkaBench failed: see $OUT/kafka/run.log" >&2
  KNOWN=$(grep -h "time until every group's lag is \(known\|answered\)" "$OUT/kafka/results.md" 2>/dev/null | sed 's/^- //' || true)
  [ -n "$KNOWN" ] || KNOWN="not measured: see $OUT/kafka/run.log"
fi

# ---------------------------------------------------------------- 4
DEREG="not measured (SKIP_DISCOVERY=1)"
if [ "${SKIP_DISCOVERY:-0}" != 1 ]; then
  SKIP_BUILD=1 MEASURE_S=${MEASURE_S:-5} WARMUP_S=${WARMUP_S:-1} IDLE_S=${IDLE_S:-5} bench/run.sh >"$OUT/discovery.log" 2>&1 \
    || echo "bench/run.sh failed: see $OUT/discovery.log" >&2
  DEREG=$(grep -h "deregistration → changed metric" bench/out/results.md 2>/dev/null | sed 's/^| *//; s/ *|$//; s/ *| */: /g' || true)
  [ -n "$DEREG" ] || DEREG="not measured: see $OUT/discovery.log"
fi

{
  echo "# Detection latency: one run, $(date -u +%Y-%m-%dT%H:%MZ), $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
  echo
  echo "Exporter: its shaded jar as a separate process with the launcher's flags (\`$FLAGS\`)."
  echo
  cat "$OUT/latency.md"
  echo "## Start → every group's lag known (2,000 partitions, 50 groups)"
  echo
  echo "$KNOWN" | sed 's/^/- /'
  echo
  echo "## Discovery: deregistration → changed metric"
  echo
  echo "$DEREG" | sed 's/^/- /'
} | tee "$OUT/results.md"
