#!/usr/bin/env bash
# Type-checks every dashboard against Grafana's own dashboard schema (npm @grafana/schema, the TypeScript types
# Grafana generates from its CUE schema) with tsc --strict. Not part of `mvn verify` (it needs Node and the npm
# registry); run it after editing generate.py:  bash grafana-dashboards/check-schema.sh
# String enums (ThresholdsMode, MappingType…) are loosened to their string values, as JSON cannot name an enum.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
command -v npm >/dev/null || { echo "ERROR: npm not found (Debian: apt-get install npm)" >&2; exit 127; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
npm init -y >/dev/null
npm install --no-audit --no-fund --silent @grafana/schema@11 typescript@5 >/dev/null
files=()
for json in "$here"/*.json; do
  name="$(basename "$json" .json)"
  {
    echo "import type { Dashboard } from '@grafana/schema/dist/esm/raw/dashboard/x/dashboard_types.gen';"
    echo 'type Loose<T> = T extends string ? `${T}` : T extends (infer U)[] ? Loose<U>[] : T extends object ? { [K in keyof T]: Loose<T[K]> } : T;'
    printf 'export const dashboard: Loose<Dashboard> = '
    cat "$json"
    echo ';'
  } > "$name.ts"
  files+=("\"$name.ts\"")
done
cat > tsconfig.json <<JSON
{"compilerOptions": {"strict": true, "noEmit": true, "moduleResolution": "node", "module": "esnext",
  "target": "es2020", "skipLibCheck": true}, "files": [$(IFS=,; echo "${files[*]}")]}
JSON
npx tsc -p .
echo "OK: ${#files[@]} dashboard(s) match @grafana/schema $(node -p "require('@grafana/schema/package.json').version")"
