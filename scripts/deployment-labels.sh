#!/usr/bin/env bash
# Sets the labels that tell OpenIM deployments apart in every alert rule and dashboard: one place to change them.
#
#   scripts/deployment-labels.sh "cluster, namespace, tenant" [ROOT]
#
# Every aggregation in alerts/*.rules.yml and grafana-dashboards/ keeps this phrase (default "cluster, namespace",
# kept in alerts/deployment-labels), so one Prometheus watching several deployments neither hides nor dilutes one
# deployment's fault with another's. ROOT is this checkout (default) or a copy of it, e.g. the files you deploy.
# The dashboards' cluster/namespace variables stay as they are; a new label is kept in every series, not selectable.
set -euo pipefail
new="${1:?usage: deployment-labels.sh \"label, label\" [ROOT]}"
root="${2:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
if ! [[ "$new" =~ ^[a-zA-Z_][a-zA-Z0-9_]*(,\ [a-zA-Z_][a-zA-Z0-9_]*)*$ ]]; then
  echo "deployment-labels.sh: '$new' is not a list of label names separated by ', '" >&2
  exit 2
fi
old=$(cat "$root/alerts/deployment-labels")
files=("$root"/alerts/*.rules.yml "$root"/grafana-dashboards/*.json)
[ -f "$root/grafana-dashboards/generate.py" ] && files+=("$root/grafana-dashboards/generate.py")
[ -f "$root/alerts/alertmanager.yml" ] && files+=("$root/alerts/alertmanager.yml") # group_by and inhibition equal:
# the verdict's conditions, which diagnose pipeline also sends to Prometheus
signals="$root/exporter/src/main/java/io/openim/exporter/pipeline/Signals.java"
[ -f "$signals" ] && files+=("$signals")
# label names hold no sed metacharacters (checked above), so the phrase is used as is
sed -i "s/$old/$new/g" "${files[@]}"
printf '%s\n' "$new" > "$root/alerts/deployment-labels"
echo "deployment labels: '$old' -> '$new' in ${#files[@]} files under $root"
