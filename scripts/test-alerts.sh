#!/usr/bin/env bash
# Checks and unit-tests the Prometheus alert rules in alerts/ with promtool.
#   promtool check rules  alerts/*.rules.yml         (syntax, PromQL, templates)
#   promtool test rules   alerts/tests/*.test.yml    (firing and not-firing cases)
#   scripts/test-alertmanager.sh                     (the example Alertmanager config: amtool, inhibitions)
# promtool ships with the Debian/Ubuntu package `prometheus` (apt-get install prometheus) and
# with every Prometheus release tarball.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

if ! command -v promtool >/dev/null 2>&1; then
  echo "ERROR: promtool not found on PATH; the alert rules cannot be checked." >&2
  echo "       Install it (Debian/Ubuntu: apt-get install prometheus) or put a Prometheus" >&2
  echo "       release's promtool on PATH, then run $0 again." >&2
  exit 127
fi

shopt -s nullglob
rules=(alerts/*.rules.yml)
tests=(alerts/tests/*.test.yml)
if (( ${#rules[@]} == 0 )); then
  echo "ERROR: no alerts/*.rules.yml found under $(pwd)" >&2
  exit 1
fi
if (( ${#tests[@]} == 0 )); then
  echo "ERROR: no alerts/tests/*.test.yml found under $(pwd)" >&2
  exit 1
fi

echo "promtool: $(promtool --version 2>&1 | head -n 1)"
echo "--- promtool check rules ${rules[*]}"
promtool check rules "${rules[@]}"
echo "--- promtool test rules ${tests[*]}"
promtool test rules "${tests[@]}"
echo "OK: ${#rules[@]} rule file(s) checked, ${#tests[@]} test file(s) passed."
echo "--- scripts/test-alertmanager.sh (alerts/alertmanager.yml: routes and inhibitions)"
bash scripts/test-alertmanager.sh
