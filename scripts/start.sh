#!/usr/bin/env bash
# `npm start`: build the extension's VSIX for this machine, install it into a code-server on
# 127.0.0.1 (PORT, default 8080) with the model, print the URL to open, run until Ctrl-C.
# The first run installs Node 24 and code-server (2.5 minutes on an idle 2-core machine, more when busy).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/installE2eTools.sh --no-browser
node scripts/packageVsix.mjs --host
exec node --import tsx test/e2e/serveForUser.ts
