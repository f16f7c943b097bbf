# Shared helpers for Frontline's scripts. Sourced, not run.
# Every install step is idempotent: it checks first and does nothing when the tool
# is already there at the right version.

set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TOOLS=${FRONTLINE_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/frontline-tools}
BINARYEN_VERSION=132.0.0
CARGO_DENY_VERSION=0.20.2
AXE_CORE_VERSION=4.14.1
export PATH="$HOME/.cargo/bin:$TOOLS/bin:$PATH"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Runs a command as root: directly when we are root, else through sudo.
as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

# The version of a crate in Cargo.lock.
locked_version() {
  awk -v name="$1" '$0 == "name = \"" name "\"" { getline; gsub(/version = |"/, ""); print; exit }' "$ROOT/Cargo.lock"
}

ensure_wasm_target() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
}

# wasm-bindgen-cli must match the wasm-bindgen crate exactly.
ensure_wasm_bindgen() {
  local want have
  want=$(locked_version wasm-bindgen)
  [ -n "$want" ] || die "wasm-bindgen is not in Cargo.lock"
  have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
  if [ "$have" != "$want" ]; then
    say "installing wasm-bindgen-cli $want (a few minutes, once)"
    cargo install wasm-bindgen-cli --version "$want"
  fi
}

# wasm-opt from the npm package `binaryen` (Debian's binaryen 108 emits wasm that
# Chromium rejects).
ensure_wasm_opt() {
  local bin="$TOOLS/binaryen/node_modules/.bin/wasm-opt"
  if [ ! -x "$bin" ] || ! "$bin" --version 2>/dev/null | grep -q "version ${BINARYEN_VERSION%%.*}"; then
    command -v npm >/dev/null || die "npm is needed to install wasm-opt (npm package binaryen)"
    say "installing wasm-opt (npm binaryen@$BINARYEN_VERSION)"
    mkdir -p "$TOOLS/binaryen"
    npm install --silent --no-audit --no-fund --prefix "$TOOLS/binaryen" "binaryen@$BINARYEN_VERSION" >&2
  fi
  mkdir -p "$TOOLS/bin"
  ln -sf "$bin" "$TOOLS/bin/wasm-opt"
}

# axe-core (npm), which the browser tests inject into each page to check accessibility.
ensure_axe() {
  local dir="$TOOLS/axe-core-$AXE_CORE_VERSION"
  if [ ! -f "$dir/node_modules/axe-core/axe.min.js" ]; then
    command -v npm >/dev/null || die "npm is needed to install axe-core"
    say "installing axe-core $AXE_CORE_VERSION (npm)"
    mkdir -p "$dir"
    npm install --silent --no-audit --no-fund --prefix "$dir" "axe-core@$AXE_CORE_VERSION" >&2
  fi
  export AXE_CORE_JS="$dir/node_modules/axe-core/axe.min.js"
}

apt_install() {
  say "installing $* with apt"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

ensure_chromium() {
  if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    apt_install chromium chromium-driver
  fi
}

# PostgreSQL server binaries (initdb, pg_ctl, postgres), newest installed version.
pg_bindir() {
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

ensure_postgres() {
  if [ -z "$(pg_bindir)" ] || [ ! -x "$(pg_bindir)/initdb" ]; then
    apt_install postgresql
  fi
}

ensure_cargo_deny() {
  if ! cargo deny --version 2>/dev/null | grep -q "$CARGO_DENY_VERSION"; then
    say "installing cargo-deny $CARGO_DENY_VERSION (several minutes, once)"
    cargo install cargo-deny --version "$CARGO_DENY_VERSION" --locked
  fi
}

ensure_nextest() {
  if ! cargo nextest --version >/dev/null 2>&1; then
    say "installing cargo-nextest (several minutes, once)"
    cargo install cargo-nextest --locked
  fi
}
