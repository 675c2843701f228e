#!/usr/bin/env bash
# Log-signature benchmark (bench/README.md, section "Log signatures"): on one generated ~1 GB OpenIM log,
# lines per second on ONE core of
#   1. the exporter itself: its shaded jar, `logs: {start: beginning}`, timed until /metrics has counted every byte
#      (plus the logs check's own cycle duration, which leaves out JVM start-up),
#   2. Debian's mtail (--one_shot) running a program that counts the same signatures,
#   3. grep -c -F with the same strings (LC_ALL=C): one pass with all strings, and one pass per signature,
# checks that all three count the same, then RSS of the exporter while it follows a live log (the sandbox writer).
# Everything runs under `taskset -c 0`; the JVM also gets -XX:ActiveProcessorCount=1.
#
# Then (section "CPU while following") the exporter's CPU when idle and at RATE lines/s from the sandbox writer, for
# this build and, when BASELINE_JAR is set (an exporter jar built from an older commit), for that one in the same run.
#
# Environment: BYTES (1073741824), FOLLOW_S (30), SKIP_BUILD=1, JVM_FLAGS (extra flags for the exporter JVM),
# KEEP_FILE=1 (keep the generated log in bench/out), CPU_ONLY=1 (only the CPU section), CPU_S (30: a multiple of the
# 15 s logs cycle, so an exporter that reads only in cycles is measured over whole cycles), CPU_RUNS (3), RATE (100000),
# BASELINE_JAR. Needs Java 17, Maven, taskset; installs Debian's mtail if missing.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

BYTES=${BYTES:-1073741824}
FOLLOW_S=${FOLLOW_S:-30}
OUT=bench/out/logs
mkdir -p "$OUT"
WORK=$(mktemp -d /tmp/openim-logs-bench.XXXXXX)
EXPORTER_PID=""
WRITER_PID=""
cleanup() {
  for pid in $WRITER_PID $EXPORTER_PID; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  [ "${KEEP_FILE:-0}" = 1 ] && mv "$WORK/logs/openim-service-log.2026-05-16" "$OUT/" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if ! command -v mtail >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "installing Debian's mtail..."
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends mtail >/dev/null \
      || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends mtail >/dev/null; }
  else
    echo "mtail not found: sudo apt-get install mtail" >&2
    exit 1
  fi
fi

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  echo "building (mvn package, tests skipped)..."
  mvn -q -B -ntp -DskipTests package -pl exporter,sandbox -am
fi
cp exporter/target/openim-exporter.jar "$WORK/exporter.jar"
cp "$(ls sandbox/target/openim-sandbox-*-demo.jar | head -n 1)" "$WORK/sandbox.jar"

now() { date +%s.%N; }

# ---------------------------------------------------------------- CPU while following (idle, and at RATE lines/s)
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# cpu_run TAG JAR: one exporter following an empty directory with the launcher's flags; CPU % of one core over CPU_S
# idle, then over CPU_S while the sandbox writer appends RATE lines/s
cpu_run() {
  local tag=$1 jar=$2 dir="$WORK/cpu-$1" port t0 t1 l0 l1 pid
  mkdir -p "$dir"
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  printf 'server: {host: 127.0.0.1, port: %s}\ndiscovery: {enabled: false}\nlogs:\n  paths: ["%s/openim-service-log.*"]\n  start: end\n' \
    "$port" "$dir" >"$WORK/cpu-$tag.yml"
  : >"$dir/openim-service-log.$(date +%Y-%m-%d)"
  # shellcheck disable=SC2086
  java $LAUNCHER_FLAGS -jar "$jar" run --config "$WORK/cpu-$tag.yml" >"$OUT/cpu-$tag.log" 2>&1 &
  EXPORTER_PID=$!
  pid=$EXPORTER_PID
  until curl -sf "http://127.0.0.1:$port/metrics" | grep -q '^openim_exporter_check_runs_total{check="logs"}'; do sleep 0.2; done
  sleep 5 # past start-up and JIT warm-up
  t0=$(ticks "$pid"); sleep "$CPU_S"; t1=$(ticks "$pid")
  CPU_IDLE[$tag]=$(echo "scale=2; ($t1 - $t0) * 100 / $CLK / $CPU_S" | bc -l)
  # the sandbox's own lines, appended in blocks every 10 ms at RATE lines/s (a Python loop: the Java writer formats
  # each line and tops out well below 100 k/s on this machine)
  python3 - "$SAMPLE" "$dir/openim-service-log.$(date +%Y-%m-%d)" "$RATE" >"$OUT/cpu-writer-$tag.log" 2>&1 <<'PY' &
import sys, time
lines = open(sys.argv[1], 'rb').read().splitlines(keepends=True)[:100000]
rate = int(sys.argv[3]); block = max(1, rate // 100)
out = open(sys.argv[2], 'ab', buffering=0)
t, i = time.monotonic(), 0
while True:
    chunk = lines[i:i + block] or lines[:block]
    i = (i + block) % (len(lines) - block)
    out.write(b''.join(chunk))
    t += block / rate
    d = t - time.monotonic()
    if d > 0:
        time.sleep(d)
PY
  WRITER_PID=$!
  sleep 5
  local f="$dir/openim-service-log.$(date +%Y-%m-%d)" b0 b1
  b0=$(stat -c %s "$f")
  t0=$(ticks "$pid"); sleep "$CPU_S"; t1=$(ticks "$pid")
  b1=$(stat -c %s "$f")
  CPU_LOAD[$tag]=$(echo "scale=2; ($t1 - $t0) * 100 / $CLK / $CPU_S" | bc -l)
  CPU_RATE[$tag]=$(echo "($b1 - $b0) / $CPU_S / $LINE_LEN" | bc)
  kill "$WRITER_PID"; wait "$WRITER_PID" 2>/dev/null || true; WRITER_PID=""
  kill "$pid"; wait "$pid" 2>/dev/null || true; EXPORTER_PID=""
}
CPU_S=${CPU_S:-30}
RATE=${RATE:-100000}
CLK=$(getconf CLK_TCK)
LAUNCHER_FLAGS=$(sed -n 's/^default_opts="\(.*\)"$/\1/p' bin/openim-exporter)
declare -A CPU_IDLE CPU_LOAD CPU_RATE
SAMPLE="$WORK/sample.log"
java -cp "$WORK/sandbox.jar" io.openim.sandbox.OpenImLogWriter --generate "$SAMPLE" 30000000 >/dev/null
LINE_LEN=$(head -n 100000 "$SAMPLE" | awk '{n += length($0) + 1} END {printf "%.0f", n / NR}')
# CPU_RUNS rounds, this build then the baseline: the machine's noise falls on both, the medians are compared
CPU_RUNS=${CPU_RUNS:-3}
declare -A RUNS_IDLE RUNS_LOAD
for r in $(seq "$CPU_RUNS"); do
  for tag in this baseline; do
    if [ "$tag" = this ]; then jar="$WORK/exporter.jar"; else [ -n "${BASELINE_JAR:-}" ] || continue; jar=$BASELINE_JAR; fi
    cpu_run "$tag" "$jar"
    RUNS_IDLE[$tag]="${RUNS_IDLE[$tag]:-} ${CPU_IDLE[$tag]}"
    RUNS_LOAD[$tag]="${RUNS_LOAD[$tag]:-} ${CPU_LOAD[$tag]}"
  done
done
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
{
  echo "## CPU while following: $CPU_RUNS rounds, $(date -u +%Y-%m-%dT%H:%MZ), $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
  echo
  echo "Exporter jar with the launcher's flags, following one file; CPU % of one core over ${CPU_S} s (utime + stime), each"
  echo "round this build then the baseline; medians compared."
  echo
  echo "| exporter | idle, each round | idle, median | at ${RATE} lines/s offered, each round | median | lines/s written (file growth, last round) |"
  echo "|---|---|---:|---|---:|---:|"
  for tag in this baseline; do
    [ -n "${CPU_IDLE[$tag]:-}" ] || continue
    echo "| $tag |${RUNS_IDLE[$tag]} | $(echo "${RUNS_IDLE[$tag]}" | median) % |${RUNS_LOAD[$tag]} | $(echo "${RUNS_LOAD[$tag]}" | median) % | ${CPU_RATE[$tag]} |"
  done
  if [ -n "${CPU_IDLE[baseline]:-}" ]; then
    echo
    echo "this / baseline at ${RATE} lines/s: $(echo "scale=2; $(echo "${RUNS_LOAD[this]}" | median) / $(echo "${RUNS_LOAD[baseline]}" | median)" | bc -l)x (medians)"
  fi
} | tee "$OUT/cpu.md"
[ "${CPU_ONLY:-0}" = 1 ] && exit 0
elapsed() { echo "$2 - $1" | bc -l; }
rate() { echo "scale=0; $1 / $2" | bc -l; }

mkdir -p "$WORK/logs"
LOG="$WORK/logs/openim-service-log.2026-05-16"
echo "generating ~$BYTES bytes of OpenIM lines..."
LINES=$(java -cp "$WORK/sandbox.jar" io.openim.sandbox.OpenImLogWriter --generate "$LOG" "$BYTES")
SIZE=$(stat -c %s "$LOG")
cat "$LOG" >/dev/null # page cache: every reader below starts from memory
echo "file: $SIZE bytes, $LINES lines"

# the exporter's built-in signatures (exporter/src/main/java/io/openim/exporter/logs/Signature.java), name|literal|literal…
SIGS=(
  "broken_pipe|write: broken pipe"
  "zero_addresses|produced zero addresses"
  "user_online_status_failed|update user online status"
  "consume_error|consume err|historyConsumer err|historyMongoConsumer err|subscribe err"
  "mongo_insert_error|batch data insert to mongo err|single data insert to mongo err|MsgToMongoMQ error|Msg To MongoDB MQ error"
  "redis_insert_error|batch data insert to redis err|batch insert to redis error"
  "rpc_client_error|RPC Client Response Error|rpc client response error|rpc client response failed"
  "token_invalid|TokenInvalidError|TokenKickedError|TokenNotExistError"
  "kafka_retry|will retry in 5 seconds"
  "subscribe_returned_normally|Subscribe returned normally"
)

# ---------------------------------------------------------------- grep
declare -A GREP
ALL_ARGS=()
T0=$(now)
for s in "${SIGS[@]}"; do
  IFS='|' read -r -a parts <<<"$s"
  args=()
  for lit in "${parts[@]:1}"; do args+=(-e "$lit"); ALL_ARGS+=(-e "$lit"); done
  GREP[${parts[0]}]=$(LC_ALL=C taskset -c 0 grep -c -F "${args[@]}" "$LOG" || true)
done
T1=$(now)
# captured, not sent to /dev/null: GNU grep stops at the first match when its output is /dev/null
GREP_ANY=$(LC_ALL=C taskset -c 0 grep -c -F "${ALL_ARGS[@]}" "$LOG" || true)
T2=$(now)
GREP_EACH_S=$(elapsed "$T0" "$T1")
GREP_ONE_S=$(elapsed "$T1" "$T2")

# ---------------------------------------------------------------- mtail
mkdir -p "$WORK/progs"
{
  for s in "${SIGS[@]}"; do
    IFS='|' read -r -a parts <<<"$s"
    re=$(printf '%s\n' "${parts[@]:1}" | sed 's/[.[\()*+?{}^$/]/\\&/g' | paste -sd'|')
    echo "counter ${parts[0]}"
    echo "/${re}/ {"
    echo "  ${parts[0]}++"
    echo "}"
  done
} >"$WORK/progs/openim.mtail"
cp "$WORK/progs/openim.mtail" "$OUT/openim.mtail"
T0=$(now)
taskset -c 0 mtail --one_shot --one_shot_format=prometheus --progs "$WORK/progs" --logs "$LOG" \
  >"$OUT/mtail.prom" 2>"$OUT/mtail.err"
T1=$(now)
MTAIL_S=$(elapsed "$T0" "$T1")
declare -A MTAIL
for s in "${SIGS[@]}"; do
  name=${s%%|*}
  MTAIL[$name]=$(awk -v n="$name" '$1 ~ "^"n"($|\\{)" {v=$2} END {print v+0}' "$OUT/mtail.prom")
done

# ---------------------------------------------------------------- exporter
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat >"$WORK/exporter.yml" <<YAML
server: {host: 127.0.0.1, port: $PORT}
discovery: {enabled: false}
logs:
  paths: ['$WORK/logs/openim-service-log.*']
  start: beginning
  interval: 60s
  timeout: 60s
YAML
metric() { curl -s "http://127.0.0.1:$PORT/metrics" | awk -v m="$1" 'index($0, m) == 1 {s += $NF} END {printf "%.0f\n", s}'; }
# the launcher's JVM flags (bin/openim-exporter default_opts: serial GC, C1 only, small heap): what the image runs
LAUNCHER_FLAGS=$(sed -n 's/^default_opts="\(.*\)"$/\1/p' bin/openim-exporter)
# run_exporter TAG FLAGS: starts the exporter jar on core 0, waits until every byte is counted; leaves it running
run_exporter() {
  local tag=$1 flags=$2
  local t0 t1
  t0=$(now)
  # shellcheck disable=SC2086
  taskset -c 0 java -XX:ActiveProcessorCount=1 $flags -jar "$WORK/exporter.jar" run --config "$WORK/exporter.yml" \
    >"$OUT/exporter-$tag.log" 2>&1 &
  EXPORTER_PID=$!
  until [ "$(metric 'openim_log_bytes_read_total' 2>/dev/null || echo 0)" = "$SIZE" ]; do
    kill -0 "$EXPORTER_PID" 2>/dev/null || { echo "exporter died; see $OUT/exporter-$tag.log" >&2; exit 1; }
    sleep 0.05
  done
  t1=$(now)
  EXPORTER_S[$tag]=$(elapsed "$t0" "$t1")
  curl -s "http://127.0.0.1:$PORT/metrics" >"$OUT/exporter-$tag.prom"
  CHECK_S[$tag]=$(awk '/^openim_exporter_check_duration_seconds\{check="logs"\}/ {print $2}' "$OUT/exporter-$tag.prom")
  RSS_AFTER_BULK[$tag]=$(awk '/VmRSS/ {print $2}' "/proc/$EXPORTER_PID/status")
}
declare -A EXPORTER_S CHECK_S RSS_AFTER_BULK
run_exporter default "${JVM_FLAGS:-}"
kill "$EXPORTER_PID"; wait "$EXPORTER_PID" 2>/dev/null || true
run_exporter launcher "$LAUNCHER_FLAGS"
declare -A OURS
for s in "${SIGS[@]}"; do
  name=${s%%|*}
  OURS[$name]=$(awk -v n="signature=\"$name\"" 'index($0, "openim_log_signature_total{") == 1 && index($0, n) {s += $NF} END {printf "%.0f\n", s}' "$OUT/exporter-default.prom")
  other=$(awk -v n="signature=\"$name\"" 'index($0, "openim_log_signature_total{") == 1 && index($0, n) {s += $NF} END {printf "%.0f\n", s}' "$OUT/exporter-launcher.prom")
  [ "$other" = "${OURS[$name]}" ] || OURS[$name]="${OURS[$name]} (launcher run: $other)"
done
OUR_LINES=$(awk 'index($0, "openim_log_lines_total{") == 1 {s += $NF} END {printf "%.0f\n", s}' "$OUT/exporter-default.prom")

# ---------------------------------------------------------------- following a live log
java -cp "$WORK/sandbox.jar" io.openim.sandbox.OpenImLogWriter "$WORK/logs" console \
  noise=2000 broken_pipe=50 subscribe_returned_normally=100 consume_error=1 >"$OUT/writer.log" 2>&1 &
WRITER_PID=$!
RSS_MAX=0
RSS_SUM=0
for _ in $(seq 1 "$FOLLOW_S"); do
  sleep 1
  r=$(awk '/VmRSS/ {print $2}' "/proc/$EXPORTER_PID/status")
  RSS_SUM=$((RSS_SUM + r))
  [ "$r" -gt "$RSS_MAX" ] && RSS_MAX=$r
done
RSS_AVG=$((RSS_SUM / FOLLOW_S))

# ---------------------------------------------------------------- report
OK=yes
{
  echo "| signature | exporter | mtail | grep -c -F |"
  echo "|---|---:|---:|---:|"
  for s in "${SIGS[@]}"; do
    n=${s%%|*}
    echo "| $n | ${OURS[$n]} | ${MTAIL[$n]} | ${GREP[$n]} |"
    [ "${OURS[$n]}" = "${GREP[$n]}" ] && [ "${MTAIL[$n]}" = "${GREP[$n]}" ] || OK=no
  done
  echo "| (lines) | $OUR_LINES | | $LINES (generator) |"
} >"$OUT/counts.md"
[ "$OUR_LINES" = "$LINES" ] || OK=no

MTAIL_RATE=$(rate "$LINES" "$MTAIL_S")
GREP_ONE_RATE=$(rate "$LINES" "$GREP_ONE_S")
GREP_EACH_RATE=$(rate "$LINES" "$GREP_EACH_S")
{
  echo "## Log signatures: one run, $(date -u +%Y-%m-%dT%H:%MZ), $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
  echo
  echo "File: $SIZE bytes, $LINES lines (\`OpenImLogWriter --generate\`), in the page cache. One core: \`taskset -c 0\`."
  echo
  echo "| reader | seconds | lines/s | vs mtail | vs grep (one pass) |"
  echo "|---|---:|---:|---:|---:|"
  for tag in default launcher; do
    label="default JVM flags"
    [ "$tag" = launcher ] && label="launcher flags ($LAUNCHER_FLAGS)"
    r=$(rate "$LINES" "${EXPORTER_S[$tag]}")
    printf '| exporter jar, %s: start to all counted | %.2f | %s | %.1f× | %.2f× |\n' "$label" "${EXPORTER_S[$tag]}" "$r" \
      "$(echo "$r / $MTAIL_RATE" | bc -l)" "$(echo "$r / $GREP_ONE_RATE" | bc -l)"
    r=$(rate "$LINES" "${CHECK_S[$tag]}")
    printf '| exporter jar, %s: the logs check cycle alone | %.2f | %s | %.1f× | %.2f× |\n' "$label" "${CHECK_S[$tag]}" "$r" \
      "$(echo "$r / $MTAIL_RATE" | bc -l)" "$(echo "$r / $GREP_ONE_RATE" | bc -l)"
  done
  printf '| mtail --one_shot | %.2f | %s | 1.0× | %.2f× |\n' "$MTAIL_S" "$MTAIL_RATE" "$(echo "$MTAIL_RATE / $GREP_ONE_RATE" | bc -l)"
  printf '| grep -c -F, all strings, one pass (%s lines match one) | %.2f | %s | | 1.00× |\n' "$GREP_ANY" "$GREP_ONE_S" "$GREP_ONE_RATE"
  printf '| grep -c -F, one pass per signature (10) | %.2f | %s | | %.2f× |\n' "$GREP_EACH_S" "$GREP_EACH_RATE" \
    "$(echo "$GREP_EACH_RATE / $GREP_ONE_RATE" | bc -l)"
  echo
  echo "Counts agree (exporter = mtail = grep per signature; exporter lines = generated lines): **$OK**"
  echo
  cat "$OUT/counts.md"
  echo
  echo "Exporter RSS after reading the file: ${RSS_AFTER_BULK[default]} kB (default JVM flags), ${RSS_AFTER_BULK[launcher]} kB (launcher flags)."
  echo "With the launcher flags, while following a live log for ${FOLLOW_S} s (~2150 lines/s from the sandbox writer):"
  echo "average ${RSS_AVG} kB, max ${RSS_MAX} kB."
} | tee "$OUT/results.md"
[ "$OK" = yes ]
