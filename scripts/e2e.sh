#!/usr/bin/env bash
# End-to-end suites in a real VS Code (code-server), as CI runs them:
# install the tools (first run ~10-15 min: code-server compiles native addons), build the
# extension, its VSIX for this platform and the suite bundle, then run both suites
# (test/e2e/runE2e.ts starts and stops every code-server itself, also on Ctrl-C).
# Results: test-results/e2e (logs, timings.json), test-results/screenshots.
#   bash scripts/e2e.sh [--suite extension-host|ui]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/installE2eTools.sh
echo "== build: extension, VSIX for this platform, suite bundle, test model extension"
t0=$(date +%s)
node scripts/packageVsix.mjs --host
node scripts/buildE2e.mjs
echo "== build finished in $(( $(date +%s) - t0 )) s"
exec node --import tsx test/e2e/runE2e.ts "$@"
