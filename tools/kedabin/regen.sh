#!/usr/bin/env bash
# Regenerates the KEDA wrapper module (tools/kedabin) for the version below. Run it only to bump
# the version; commit the resulting go.mod and go.sum. scripts/build_keda.sh reads the version back
# from go.mod.
#
# github.com/kedacore/keda/v2 pins its Kubernetes libraries (and a few others) with a `replace`
# block, which `go install …@version` refuses and a consumer module ignores. The wrapper therefore
# copies that block from the upstream go.mod of the pinned tag (never a hand-kept copy), then records
# the operator and the metrics API server as `tool` packages.
set -euo pipefail
KEDA_VERSION="${KEDA_VERSION:-v2.20.2}"
dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export GOTOOLCHAIN=local GOFLAGS=-mod=mod

gomod="$(go mod download -json "github.com/kedacore/keda/v2@$KEDA_VERSION" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')"
go_line="$(awk '$1 == "go" { print $2; exit }' "$gomod")"
rm -f "$dir/go.mod" "$dir/go.sum"
(cd "$dir" && go mod init local/kedabin >/dev/null 2>&1 && go mod edit -go="$go_line")
# Lines `  <module> => <module> <version>` inside `replace ( … )`, and one-line `replace` directives.
replaces="$(awk '/^replace \(/ { inblock = 1; next } inblock && /^\)/ { inblock = 0; next }
  inblock && $2 == "=>" && NF >= 4 { print $1 "=" $3 "@" $4 }
  /^replace [^(]/ && $3 == "=>" && NF >= 5 { print $2 "=" $4 "@" $5 }' "$gomod")"
[ -n "$replaces" ] || { echo "no replace directives found in $gomod" >&2; exit 1; }
args=()
for r in $replaces; do args+=("-replace=$r"); done
(cd "$dir" && go mod edit "${args[@]}")
echo "kedabin: $(wc -w <<<"$replaces") replaces copied from keda $KEDA_VERSION (go $go_line)" >&2
(cd "$dir" && go get -tool \
  "github.com/kedacore/keda/v2/cmd/operator@$KEDA_VERSION" \
  "github.com/kedacore/keda/v2/cmd/adapter@$KEDA_VERSION" && go mod tidy)
echo "regenerated: keda $KEDA_VERSION" >&2
