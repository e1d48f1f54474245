#!/usr/bin/env bash
# Runs the unit tier and the standalone end-to-end tests on Node 24 (the active LTS), beside the
# main run on the machine's Node 20. Node 24 comes from the npm registry's `node` package; the
# tree is copied and installed afresh under Node 24, because native modules (better-sqlite3)
# are built for one Node ABI at a time. Installs are cached in QAMESH_NODE24_HOME
# (~/.cache/qamesh/node24); the copy is rebuilt on every run.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
home="${QAMESH_NODE24_HOME:-$HOME/.cache/qamesh/node24}"
version="${QAMESH_NODE24_VERSION:-24}"

say() { printf 'node24: %s\n' "$*" >&2; }
fail() { say "$*"; exit 1; }

# 1. The runtime, with its headers (the platform package carries include/node).
runtime="$home/runtime"
if [[ ! -x "$runtime/node_modules/node/bin/node" ]]; then
  say "installing node@$version from the npm registry (first run only)"
  rm -rf "$runtime" && mkdir -p "$runtime"
  npm install --prefix "$runtime" --no-save --no-package-lock --no-audit --no-fund "node@$version" >&2 ||
    fail "could not install node@$version with npm"
fi
node_bin="$(dirname "$(find "$runtime/node_modules/node/node_modules" -path '*/bin/node' -type f | head -n 1)")"
headers="$(dirname "$node_bin")"
[[ -x "$node_bin/node" && -d "$headers/include/node" ]] || fail "node@$version has no binary or headers under $runtime"
say "using $("$node_bin/node" --version)"

# 2. A copy of the working tree (tracked and new files, nothing ignored), installed under Node 24.
tree="$home/tree"
rm -rf "$tree" && mkdir -p "$tree"
(cd "$here" && git ls-files -z --cached --others --exclude-standard | xargs -0 -I{} sh -c 'test -e "{}" && echo "{}"' | tar -cf - -T -) | tar -xf - -C "$tree"
export PATH="$node_bin:$PATH"
# Native modules compile against Node 24's own headers, not the machine's Node.
export npm_config_nodedir="$headers"
(cd "$tree" && npm ci --no-audit --no-fund >&2) || fail "npm ci failed under Node $version"

# 3. The tiers: unit, and the standalone mesh end to end (no real servers needed).
cd "$tree"
QAMESH_EMBEDDED_ONLY=true node node_modules/vitest/vitest.mjs run --project unit
QAMESH_EMBEDDED_ONLY=true node node_modules/vitest/vitest.mjs run --project integration services/standalone/test/standalone-end-to-end.test.ts services/standalone/test/bad-input.test.ts
