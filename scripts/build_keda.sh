#!/usr/bin/env bash
# Builds KEDA (the operator and its metrics API server) from the Go module proxy, once per version,
# the same way scripts/build_k8s.sh builds the Kubernetes binaries.
#
# tools/kedabin pins github.com/kedacore/keda/v2 (its go.mod copies KEDA's replace block; go.mod and
# go.sum are committed). Output goes to a cache OUTSIDE the repository, keyed by the KEDA version:
#   ${WVA_CACHE_DIR:-~/.cache/wva}/keda/<version>/bin/{keda-operator,keda-adapter}
#   ${WVA_CACHE_DIR:-~/.cache/wva}/keda/<version>/crd/*.yaml   (KEDA's CRDs, from the module)
# Each binary has a <name>.version stamp; a binary whose stamp matches is reused at once.
#
# Usage: scripts/build_keda.sh [--print-dir | --check | --help]
#   (no flag)    build whatever is missing, progress on stderr, the version dir on stdout
#   --print-dir  print the version dir (bin/ and crd/ below it) and exit (no build)
#   --check      exit 1 listing what is missing (no build)
# Environment: WVA_CACHE_DIR, WVA_K8S_BUILD_PARALLEL (go build -p, default 2).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=lib/common.sh
. "$root/scripts/lib/common.sh"
module_dir="$root/tools/kedabin"
KEDA_MODULE=github.com/kedacore/keda/v2

log() { printf '[build_keda] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

KEDA_VERSION="$(awk -v m="$KEDA_MODULE" '$1 == m && $2 ~ /^v/ { print $2; exit }' "$module_dir/go.mod")"
[ -n "$KEDA_VERSION" ] || die "cannot read the pinned KEDA version from tools/kedabin/go.mod"
OUT="$WVA_CACHE_DIR/keda/$KEDA_VERSION"
BIN="$OUT/bin"
CRD="$OUT/crd"

# name|package
COMPONENTS=(
  "keda-operator|$KEDA_MODULE/cmd/operator"
  "keda-adapter|$KEDA_MODULE/cmd/adapter"
)

is_fresh() { [ -x "$BIN/$1" ] && [ -f "$BIN/$1.version" ] && [ "$(cat "$BIN/$1.version")" = "$KEDA_VERSION" ]; }
crds_fresh() { [ -f "$CRD/.version" ] && [ "$(cat "$CRD/.version")" = "$KEDA_VERSION" ]; }

missing() {
  local c name
  for c in "${COMPONENTS[@]}"; do
    name="${c%%|*}"
    is_fresh "$name" || echo "$name@$KEDA_VERSION"
  done
  crds_fresh || echo "crds@$KEDA_VERSION"
}

# copy_crds: KEDA's CRDs (ScaledObject, ScaledJob, TriggerAuthentication,
# ClusterTriggerAuthentication and the eventing CloudEventSources the operator also watches) from
# the module's config/crd/bases, so the cluster installs exactly the version that was built.
copy_crds() {
  local src
  src="$(cd "$module_dir" && go list -m -f '{{.Dir}}' "$KEDA_MODULE")" || die "cannot locate the KEDA module"
  [ -d "$src/config/crd/bases" ] || die "no config/crd/bases in $src"
  rm -rf "$CRD" && mkdir -p "$CRD"
  cp "$src"/config/crd/bases/*.yaml "$CRD/"
  chmod u+w "$CRD"/*.yaml
  printf '%s\n' "$KEDA_VERSION" >"$CRD/.version"
  log "CRDs copied to $CRD ($(find "$CRD" -name '*.yaml' | wc -l) files)"
}

case "${1:-}" in
  --print-dir) echo "$OUT"; exit 0 ;;
  --check)
    m="$(missing)"
    [ -z "$m" ] || { log "missing in $OUT: ${m//$'\n'/ }"; exit 1; }
    echo "$OUT"; exit 0 ;;
  -h | --help) sed -n '2,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
  "") ;;
  *) die "unknown argument '$1' (try --help)" ;;
esac

todo="$(missing)"
if [ -z "$todo" ]; then
  log "KEDA $KEDA_VERSION cached in $OUT"
  echo "$OUT"
  exit 0
fi
command -v go >/dev/null 2>&1 || die "Go is required to build ${todo//$'\n'/ } (need Go >= 1.26 and the Go module proxy)"
export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS="-mod=readonly -buildvcs=false"
PARALLEL="${WVA_K8S_BUILD_PARALLEL:-2}"
LDFLAGS="-s -w -X $KEDA_MODULE/version.Version=$KEDA_VERSION -X $KEDA_MODULE/version.GitCommit=module-proxy"
log "go: $(go version); cache: $OUT; to build: ${todo//$'\n'/ }"
log "a cold build takes several minutes (about 10 on 2 cores); later runs reuse the cache"
all_start=$(date +%s)
for c in "${COMPONENTS[@]}"; do
  IFS='|' read -r name pkg <<<"$c"
  is_fresh "$name" && continue
  start=$(date +%s)
  log "building $name $KEDA_VERSION (module tools/kedabin); resolving modules (downloads them on the first run) ..."
  go_build_progress build_keda "$module_dir" "$pkg" "$BIN/$name" "$LDFLAGS" "$PARALLEL" ||
    die "go build of $name failed (see above)"
  printf '%s\n' "$KEDA_VERSION" >"$BIN/$name.version"
  log "built $name in $(($(date +%s) - start))s -> $BIN/$name"
done
crds_fresh || copy_crds
log "done in $(($(date +%s) - all_start))s"
echo "$OUT"
