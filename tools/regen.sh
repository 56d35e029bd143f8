#!/usr/bin/env bash
# Regenerates the wrapper Go modules (tools/k8sbin, tools/etcdbin, tools/kwokbin) for the versions
# below. Run it only to bump a version; commit the resulting go.mod and go.sum files.
# scripts/build_k8s.sh reads the versions back from those go.mod files.
#
# k8s.io/kubernetes requires its staging modules at v0.0.0 and replaces them with ./staging paths,
# which a consumer module cannot use. The replace list is therefore generated from the upstream
# go.mod of the pinned tag (every `k8s.io/<m> => ./staging/...` line becomes
# `k8s.io/<m> => k8s.io/<m> v0.<minor>.<patch>`), never copied by hand.
set -euo pipefail
K8S_VERSION="${K8S_VERSION:-v1.36.3}"
ETCD_VERSION="${ETCD_VERSION:-v3.6.16}"
KWOK_VERSION="${KWOK_VERSION:-v0.8.0}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export GOTOOLCHAIN=local GOFLAGS=-mod=mod

upstream_gomod() { go mod download -json "$1" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p'; }

fresh_module() { # dir name go_line godebug_line
  rm -f "$1/go.mod" "$1/go.sum"
  (cd "$1" && go mod init "$2" >/dev/null 2>&1 && go mod edit -go="$3")
  if [ -n "$4" ]; then printf '\ngodebug %s\n' "$4" >>"$1/go.mod"; fi
}

regen_k8s() {
  local dir="$here/k8sbin" gomod staging go_line godebug
  gomod="$(upstream_gomod "k8s.io/kubernetes@$K8S_VERSION")"
  staging="v0.${K8S_VERSION#v1.}"
  go_line="$(awk '$1 == "go" { print $2; exit }' "$gomod")"
  godebug="$(awk '$1 == "godebug" { $1 = ""; sub(/^ /, ""); print; exit }' "$gomod")"
  fresh_module "$dir" local/k8sbin "$go_line" "$godebug"
  local mods
  mods="$(sed -n 's#^[[:space:]]*\(k8s\.io/[A-Za-z0-9._-]*\) => \./staging/.*#\1#p' "$gomod")"
  [ -n "$mods" ] || { echo "no staging replaces found in $gomod" >&2; exit 1; }
  local args=()
  for m in $mods; do args+=("-replace=$m=$m@$staging"); done
  (cd "$dir" && go mod edit "${args[@]}")
  echo "k8sbin: $(wc -w <<<"$mods") staging replaces at $staging (go $go_line, godebug $godebug)" >&2
  (cd "$dir" && go get -tool \
    "k8s.io/kubernetes/cmd/kube-apiserver@$K8S_VERSION" \
    "k8s.io/kubernetes/cmd/kube-controller-manager@$K8S_VERSION" \
    "k8s.io/kubernetes/cmd/kube-scheduler@$K8S_VERSION" \
    "k8s.io/kubernetes/cmd/kubectl@$K8S_VERSION" && go mod tidy)
}

regen_simple() { # dir module_path version packages...
  local dir="$1" mod="$2" version="$3" gomod go_line
  shift 3
  gomod="$(upstream_gomod "$mod@$version")"
  go_line="$(awk '$1 == "go" { print $2; exit }' "$gomod")"
  fresh_module "$dir" "local/$(basename "$dir")" "$go_line" ""
  local pkgs=()
  for p in "$@"; do pkgs+=("$p@$version"); done
  (cd "$dir" && go get -tool "${pkgs[@]}" && go mod tidy)
}

regen_k8s
regen_simple "$here/etcdbin" go.etcd.io/etcd/server/v3 "$ETCD_VERSION" go.etcd.io/etcd/server/v3
regen_simple "$here/kwokbin" sigs.k8s.io/kwok "$KWOK_VERSION" sigs.k8s.io/kwok/cmd/kwok
echo "regenerated: k8s $K8S_VERSION, etcd $ETCD_VERSION, kwok $KWOK_VERSION" >&2
