#!/usr/bin/env bash
# Builds the local Kubernetes control plane from the Go module proxy, once per version:
# etcd, kube-apiserver, kwok, kube-controller-manager, kube-scheduler and kubectl.
#
# The wrapper modules under tools/ pin the versions (their go.mod and go.sum are committed);
# binaries land in a cache OUTSIDE the repository, keyed by the Kubernetes version:
#   ${WVA_CACHE_DIR:-~/.cache/wva}/k8s/<k8s version>/bin
# Each binary has a <name>.version stamp; a binary whose stamp matches is reused at once.
#
# Usage: scripts/build_k8s.sh [--print-bin-dir | --check | --help]
#   (no flag)        build whatever is missing, print progress to stderr, bin dir on stdout
#   --print-bin-dir  print the bin dir and exit (no build)
#   --check          exit 1 listing what is missing (no build)
# Environment: WVA_CACHE_DIR, WVA_K8S_BUILD_PARALLEL (go build -p, default 2).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=lib/common.sh
. "$root/scripts/lib/common.sh"
WVA_CACHE_DIR="${WVA_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/wva}"
tools="$root/tools"

log() { printf '[build_k8s] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# module_version <go.mod> <module path>: the version a wrapper's go.mod requires.
module_version() {
  awk -v m="$2" '$1 == m && $2 ~ /^v/ { print $2; exit } $1 == "require" && $2 == m { print $3; exit }' "$1"
}

K8S_VERSION="$(module_version "$tools/k8sbin/go.mod" k8s.io/kubernetes)"
ETCD_VERSION="$(module_version "$tools/etcdbin/go.mod" go.etcd.io/etcd/server/v3)"
KWOK_VERSION="$(module_version "$tools/kwokbin/go.mod" sigs.k8s.io/kwok)"
if [ -z "$K8S_VERSION" ] || [ -z "$ETCD_VERSION" ] || [ -z "$KWOK_VERSION" ]; then
  die "cannot read pinned versions from tools/*/go.mod (k8s='$K8S_VERSION' etcd='$ETCD_VERSION' kwok='$KWOK_VERSION')"
fi
BIN="$WVA_CACHE_DIR/k8s/$K8S_VERSION/bin"

# name|version|module dir|package
COMPONENTS=(
  "etcd|$ETCD_VERSION|etcdbin|go.etcd.io/etcd/server/v3"
  "kube-apiserver|$K8S_VERSION|k8sbin|k8s.io/kubernetes/cmd/kube-apiserver"
  "kwok|$KWOK_VERSION|kwokbin|sigs.k8s.io/kwok/cmd/kwok"
  "kube-controller-manager|$K8S_VERSION|k8sbin|k8s.io/kubernetes/cmd/kube-controller-manager"
  "kube-scheduler|$K8S_VERSION|k8sbin|k8s.io/kubernetes/cmd/kube-scheduler"
  "kubectl|$K8S_VERSION|k8sbin|k8s.io/kubernetes/cmd/kubectl"
)

is_fresh() { # name version
  [ -x "$BIN/$1" ] && [ -f "$BIN/$1.version" ] && [ "$(cat "$BIN/$1.version")" = "$2" ]
}

missing() {
  local c name version
  for c in "${COMPONENTS[@]}"; do
    IFS='|' read -r name version _ _ <<<"$c"
    is_fresh "$name" "$version" || echo "$name@$version"
  done
}

ldflags_for() { # module dir
  local flags="-s -w"
  case "$1" in
    k8sbin)
      local minor="${K8S_VERSION#v1.}" date
      minor="${minor%%.*}"
      date="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
      for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
        flags+=" -X $pkg.gitVersion=$K8S_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
        flags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=$date"
      done
      ;;
    kwokbin) flags+=" -X sigs.k8s.io/kwok/pkg/consts.Version=${KWOK_VERSION#v}" ;;
  esac
  printf '%s' "$flags"
}

# build_one name version dir package: go build with a progress line every 100 packages.
build_one() {
  local name="$1" version="$2" dir="$3" pkg="$4" start
  start=$(date +%s)
  log "building $name $version (module tools/$dir); resolving modules (downloads them on the first run) ..."
  go_build_progress build_k8s "$tools/$dir" "$pkg" "$BIN/$name" "$(ldflags_for "$dir")" "$PARALLEL" ||
    die "go build of $name failed (see above)"
  printf '%s\n' "$version" >"$BIN/$name.version"
  log "built $name in $(($(date +%s) - start))s -> $BIN/$name"
}

case "${1:-}" in
  --print-bin-dir) echo "$BIN"; exit 0 ;;
  --check)
    m="$(missing)"
    [ -z "$m" ] || { log "missing in $BIN: ${m//$'\n'/ }"; exit 1; }
    echo "$BIN"; exit 0 ;;
  -h | --help) sed -n '2,15p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
  "") ;;
  *) die "unknown argument '$1' (try --help)" ;;
esac

PARALLEL="${WVA_K8S_BUILD_PARALLEL:-2}"
todo="$(missing)"
if [ -z "$todo" ]; then
  log "all binaries cached in $BIN (k8s $K8S_VERSION, etcd $ETCD_VERSION, kwok $KWOK_VERSION)"
  echo "$BIN"
  exit 0
fi
command -v go >/dev/null 2>&1 || die "Go is required to build ${todo//$'\n'/ } (need Go >= 1.26 and the Go module proxy)"
export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS="-mod=readonly -buildvcs=false"
log "go: $(go version); cache: $BIN; to build: ${todo//$'\n'/ }"
log "a cold build takes several minutes (about 8-10 on 2 cores); later runs reuse the cache"
all_start=$(date +%s)
for c in "${COMPONENTS[@]}"; do
  IFS='|' read -r name version dir pkg <<<"$c"
  is_fresh "$name" "$version" || build_one "$name" "$version" "$dir" "$pkg"
done
log "done in $(($(date +%s) - all_start))s"
echo "$BIN"
