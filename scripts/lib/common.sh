#!/usr/bin/env bash
# Shared helpers for wva's shell entry points. Source it; do not run it.
# Installs what the project needs when it is missing, so a fresh machine works.

WVA_DENO_VERSION="${WVA_DENO_VERSION:-2.9.6}"
WVA_CACHE_DIR="${WVA_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/wva}"

wva_log() { printf '[wva] %s\n' "$*" >&2; }

# ensure_deno: puts Deno $WVA_DENO_VERSION on PATH, installing it from the npm registry if needed.
ensure_deno() {
  if command -v deno >/dev/null 2>&1 && deno --version 2>/dev/null | head -n1 | grep -q "deno ${WVA_DENO_VERSION} "; then
    return 0
  fi
  local local_bin="$WVA_CACHE_DIR/deno-$WVA_DENO_VERSION/node_modules/.bin"
  if [ -x "$local_bin/deno" ]; then
    export PATH="$local_bin:$PATH"
    return 0
  fi
  if ! command -v npm >/dev/null 2>&1; then
    wva_log "Deno $WVA_DENO_VERSION is missing and npm is not installed; install Node.js/npm or Deno first."
    return 1
  fi
  wva_log "installing Deno $WVA_DENO_VERSION from the npm registry"
  if [ "$(id -u)" = "0" ] && npm install -g "deno@$WVA_DENO_VERSION" >&2; then
    hash -r
    return 0
  fi
  mkdir -p "$WVA_CACHE_DIR/deno-$WVA_DENO_VERSION"
  npm install --no-save --prefix "$WVA_CACHE_DIR/deno-$WVA_DENO_VERSION" "deno@$WVA_DENO_VERSION" >&2 || return 1
  export PATH="$local_bin:$PATH"
}

# ensure_debian_tools BIN:PACKAGE…: installs the Debian packages whose binaries are missing, in one
# apt-get call (refreshing the package lists once if the first try fails). Needs root and apt-get.
ensure_debian_tools() {
  local pair bin pkg missing=()
  for pair in "$@"; do
    bin="${pair%%:*}"
    pkg="${pair#*:}"
    command -v "$bin" >/dev/null 2>&1 || missing+=("$pkg")
  done
  [ "${#missing[@]}" -eq 0 ] && return 0
  mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
  if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
    wva_log "missing tools; install the Debian packages: ${missing[*]} (needs root and apt-get)"
    return 1
  fi
  wva_log "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y --no-install-recommends "${missing[@]}" >&2 ||
    { apt-get update >&2 && apt-get install -y --no-install-recommends "${missing[@]}" >&2; }
}

# ensure_prometheus: Prometheus and promtool from Debian's package (tests and --prometheus demos).
ensure_prometheus() {
  ensure_debian_tools prometheus:prometheus promtool:prometheus
}

# ensure_test_tools: every tool the tests use that does not come with Deno or the Go builds:
# Prometheus and promtool (Debian prometheus), shellcheck (Debian shellcheck), openssl, and for
# the KEDA tier (its metrics adapter runs in a network namespace) ip (iproute2) and socat.
ensure_test_tools() {
  ensure_debian_tools prometheus:prometheus promtool:prometheus shellcheck:shellcheck openssl:openssl \
    ip:iproute2 socat:socat
}

# go_build_progress TAG MODULE_DIR PACKAGE OUT LDFLAGS [PARALLEL]: builds one Go main package of a
# wrapper module (tools/<name>) into OUT, logging "[TAG] NAME: compiled N packages (of at most M)
# after Ts" every 100 packages so a cold build of several minutes shows that it is moving. The
# binary is written to a temporary file first and renamed, so an interrupted build never leaves a
# half-written OUT. Returns non-zero when the modules cannot be resolved or the build fails.
go_build_progress() {
  local tag="$1" dir="$2" pkg="$3" out="$4" ldflags="$5" parallel="${6:-2}"
  local name start total count=0 tmp
  name="$(basename "$out")"
  start=$(date +%s)
  total=$(cd "$dir" && go list -deps "$pkg" | wc -l) || {
    printf '[%s] ERROR: cannot resolve the modules of %s (is the Go module proxy reachable?)\n' "$tag" "$dir" >&2
    return 1
  }
  mkdir -p "$(dirname "$out")"
  tmp="$(dirname "$out")/.$name.tmp.$$"
  if ! (cd "$dir" && go build -p "$parallel" -v -trimpath -ldflags="$ldflags" -o "$tmp" "$pkg") 2>&1 |
    while IFS= read -r line; do
      if [[ "$line" =~ ^[A-Za-z0-9_.~/-]+$ ]]; then
        count=$((count + 1))
        if ((count % 100 == 0)); then
          printf '[%s]   %s: compiled %d packages (of at most %d) after %ds\n' \
            "$tag" "$name" "$count" "$total" "$(($(date +%s) - start))" >&2
        fi
      else
        printf '%s\n' "$line" >&2
      fi
    done || [ ! -x "$tmp" ]; then
    rm -f "$tmp"
    return 1
  fi
  mv -f "$tmp" "$out"
}
