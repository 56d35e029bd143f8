#!/usr/bin/env bash
# Deletes the Kind cluster made by kind/up.sh and its state directory. Idempotent: a cluster
# that does not exist is not an error.
set -euo pipefail

here="${BASH_SOURCE[0]%/*}"
[ "$here" = "${BASH_SOURCE[0]}" ] && here=.
root="$(cd "$here/.." && pwd)"

usage() {
  cat <<'EOF'
Usage: kind/down.sh [-c NAME]

Delete the Kind cluster NAME (default: wva-gpu) and its state directory (.wva/kind/NAME, or
$WVA_KIND_DIR). Does nothing, successfully, when the cluster does not exist.
Exit codes: 0 done (or nothing to do), 1 kind failed or is missing, 2 bad arguments.
EOF
}

bad_usage() {
  printf 'kind/down.sh: %s\n' "$*" >&2
  printf "Run 'kind/down.sh -h' for the flags.\n" >&2
  exit 2
}

cluster="wva-gpu"
while [ $# -gt 0 ]; do
  case "$1" in
    -h | --help)
      usage
      exit 0
      ;;
    -c | --name)
      [ $# -ge 2 ] || bad_usage "$1 needs a value"
      cluster="$2"
      shift 2
      ;;
    *) bad_usage "unknown argument '$1'" ;;
  esac
done
[[ $cluster =~ ^[a-z0-9]([-a-z0-9]{0,38}[a-z0-9])?$ ]] ||
  bad_usage "-c '$cluster': cluster name must be 1-40 lowercase letters, digits or '-', starting and ending with a letter or digit"

state="${WVA_KIND_DIR:-$root/.wva/kind/$cluster}"
if ! command -v kind >/dev/null 2>&1; then
  printf '[kind/down] kind is not installed: cannot delete a Kind cluster.\n' >&2
  exit 1
fi

existing="$(kind get clusters 2>/dev/null || true)"
if grep -qx -- "$cluster" <<<"$existing"; then
  printf "[kind/down] deleting Kind cluster '%s'\n" "$cluster" >&2
  kind delete cluster --name "$cluster"
else
  printf "[kind/down] Kind cluster '%s' does not exist: nothing to delete\n" "$cluster" >&2
fi
# Only the files up.sh writes, so a WVA_KIND_DIR pointing elsewhere loses nothing else.
rm -f -- "$state/kubeconfig" "$state/kind-config.yaml"
rmdir -- "$state" 2>/dev/null || true
