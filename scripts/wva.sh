#!/usr/bin/env bash
# Runs wva from a source checkout on any machine: installs Deno from npm when missing, then
# `deno run -A main.ts "$@"`. Example: ./scripts/wva.sh demo --quick
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=lib/common.sh
. "$root/scripts/lib/common.sh"
ensure_deno
cd "$root"
exec deno run -A main.ts "$@"
