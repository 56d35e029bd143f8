#!/usr/bin/env bash
# The README's test command: installs what the tests need (Deno; Prometheus, promtool, shellcheck,
# openssl, iproute2 and socat from Debian; the locally built Kubernetes control plane and KEDA),
# then runs the one gate, `deno task ok` (fmt, lint, layer and size checks, type check, tests).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=lib/common.sh
. "$root/scripts/lib/common.sh"
cd "$root"
ensure_deno
ensure_test_tools
if [ "${WVA_SKIP_CLUSTER:-}" != "1" ] && [ -x "$root/scripts/build_k8s.sh" ]; then
  "$root/scripts/build_k8s.sh"
  "$root/scripts/build_keda.sh"
fi
exec deno task ok
