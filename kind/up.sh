#!/usr/bin/env bash
# Creates a Kind cluster whose nodes advertise fake GPUs, then deploys wva on it.
#
# The fake GPUs come from scripts/gpu_nodes.ts (the shared vendor table in
# src/core/api/gpu_vendors.ts): vendor labels plus the extended resource in status.capacity and
# status.allocatable, patched through the node status subresource. Pods that request
# nvidia.com/gpu (or amd.com/gpu, ...) are then scheduled by the real scheduler against that
# capacity. The deploy step builds the wva image, loads it into Kind and applies the kind/
# overlay (manifests/ + a small Prometheus), the emulated vLLM variant(s) and their
# VariantAutoscaling. See docs/kind.md.
set -euo pipefail

here="${BASH_SOURCE[0]%/*}"
[ "$here" = "${BASH_SOURCE[0]}" ] && here=.
root="$(cd "$here/.." && pwd)"

MODES="nvidia amd intel-gaudi intel-i915 intel-xe mix nvidia-mix amd-mix"
A100="NVIDIA-A100-PCIE-80GB"
H100="NVIDIA-H100-SXM5-80GB"

usage() {
  cat <<EOF
Usage: kind/up.sh [-c NAME] [-n NODES] [-g GPUS] [-t MODE] [-d PRODUCT] [-m MEMORY_MB] [--no-deploy]

Create a Kind cluster whose nodes advertise fake GPUs, and deploy wva on it: the controller
(manifests/ through the kind/ overlay, with --direct-scale and --limiter), a small Prometheus,
and the emulated vLLM variant(s) from manifests/samples/ with their VariantAutoscaling.

  -c, --name NAME        cluster name (default: wva-gpu)
  -n, --nodes N          nodes in total: 1 control plane + N-1 workers; every node gets GPUs (default: 3)
  -g, --gpus N           GPUs per node, 0-1024 (default: 2)
  -t, --type MODE        ${MODES// / | } (default: mix)
  -d, --product NAME     GPU product label, single-vendor modes only (default: the vendor's preset)
  -m, --memory-mb MB     GPU memory label in MB, single-vendor modes only (default: the preset's)
      --no-deploy        stop after the fake GPUs: build nothing, apply nothing
  -h, --help             show this help

Environment: KIND_NODE_IMAGE (kindest/node image; default: kind's own), WVA_KIND_DIR (state
directory; default .wva/kind/NAME), WVA_KIND_TIMEOUT (waits, default 180s).
An existing cluster of the same name is reused. Remove it with kind/down.sh -c NAME.
Exit codes: 0 done, 1 a prerequisite or a step failed, 2 bad arguments.
EOF
}

log() { printf '[kind/up] %s\n' "$*" >&2; }
bad_usage() {
  printf 'kind/up.sh: %s\n' "$*" >&2
  printf "Run 'kind/up.sh -h' for the flags.\n" >&2
  exit 2
}

# ---- arguments (validated before anything is touched) ----------------------------------------
cluster="wva-gpu"
nodes=3
gpus=2
mode="mix"
product=""
memory_mb=""
deploy=1

while [ $# -gt 0 ]; do
  case "$1" in
    -h | --help)
      usage
      exit 0
      ;;
    --no-deploy)
      deploy=0
      shift
      ;;
    -c | --name | -n | --nodes | -g | --gpus | -t | --type | -d | --product | -m | --memory-mb)
      [ $# -ge 2 ] || bad_usage "$1 needs a value"
      case "$1" in
        -c | --name) cluster="$2" ;;
        -n | --nodes) nodes="$2" ;;
        -g | --gpus) gpus="$2" ;;
        -t | --type) mode="$2" ;;
        -d | --product) product="$2" ;;
        -m | --memory-mb) memory_mb="$2" ;;
      esac
      shift 2
      ;;
    *) bad_usage "unknown argument '$1'" ;;
  esac
done

# int_in_range VALUE MIN MAX: true when VALUE is a decimal integer in [MIN, MAX].
int_in_range() {
  [[ $1 =~ ^[0-9]{1,7}$ ]] && ((10#$1 >= $2 && 10#$1 <= $3))
}

[[ $cluster =~ ^[a-z0-9]([-a-z0-9]{0,38}[a-z0-9])?$ ]] ||
  bad_usage "-c '$cluster': cluster name must be 1-40 lowercase letters, digits or '-', starting and ending with a letter or digit"
int_in_range "$nodes" 1 64 || bad_usage "-n '$nodes': node count must be an integer from 1 to 64"
int_in_range "$gpus" 0 1024 || bad_usage "-g '$gpus': GPUs per node must be an integer from 0 to 1024"
case " $MODES " in
  *" $mode "*) ;;
  *) bad_usage "-t '$mode': unknown mode; use one of: $MODES" ;;
esac
if [ -n "$product" ]; then
  [[ $product =~ ^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$ ]] ||
    bad_usage "-d '$product': product must be a valid label value (letters, digits, '-', '_', '.'; at most 63)"
fi
if [ -n "$memory_mb" ]; then
  int_in_range "$memory_mb" 1 9999999 || bad_usage "-m '$memory_mb': memory must be a positive integer (MB)"
fi
if [[ $mode == *mix ]] && [ -n "$product$memory_mb" ]; then
  bad_usage "-d/-m only apply to single-vendor modes, not '$mode'"
fi
nodes=$((10#$nodes))
gpus=$((10#$gpus))

state="${WVA_KIND_DIR:-$root/.wva/kind/$cluster}"
timeout="${WVA_KIND_TIMEOUT:-180s}"
kc="$state/kubeconfig"

# ---- prerequisites (still nothing touched) ---------------------------------------------------
missing=()
for tool in kind kubectl docker; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "missing prerequisites: ${missing[*]}"
  log "  kind:    https://kind.sigs.k8s.io/docs/user/quick-start/#installation"
  log "  kubectl: https://kubernetes.io/docs/tasks/tools/"
  log "  docker:  https://docs.docker.com/engine/install/ (kind runs its nodes as containers)"
  log "nothing was created."
  exit 1
fi
if ! docker info >/dev/null 2>&1; then
  log "docker is installed but its engine is not reachable ('docker info' failed):"
  log "  start the Docker daemon, or check DOCKER_HOST and your permissions on the socket."
  log "nothing was created."
  exit 1
fi
# shellcheck source-path=SCRIPTDIR source=../scripts/lib/common.sh
. "$root/scripts/lib/common.sh"
if ! ensure_deno; then
  log "Deno is needed to patch the nodes (scripts/gpu_nodes.ts); nothing was created."
  exit 1
fi

step=""
steps=$((deploy ? 6 : 4))
n=0
begin() {
  n=$((n + 1))
  step="$1"
  log "[$n/$steps] $1"
}
# On failure, say which step failed (set -e ends the script at the failing command).
on_exit() {
  local rc=$?
  if [ "$rc" -ne 0 ] && [ -n "$step" ]; then log "failed during: $step (exit $rc)"; fi
}
trap on_exit EXIT
k() { kubectl --kubeconfig "$kc" "$@"; }

# ---- 1. the Kind cluster ---------------------------------------------------------------------
begin "Kind cluster '$cluster' ($nodes node(s))"
mkdir -p "$state"
existing="$(kind get clusters 2>/dev/null || true)"
if grep -qx -- "$cluster" <<<"$existing"; then
  log "cluster '$cluster' exists: reusing it (kind/down.sh -c $cluster to start over)"
else
  config="$state/kind-config.yaml"
  {
    echo "# Written by kind/up.sh: 1 control plane + $((nodes - 1)) worker(s)."
    echo "kind: Cluster"
    echo "apiVersion: kind.x-k8s.io/v1alpha4"
    echo "name: $cluster"
    echo "featureGates:"
    echo "  HPAScaleToZero: true"
    echo "nodes:"
    for ((i = 0; i < nodes; i++)); do
      if [ "$i" -eq 0 ]; then echo "  - role: control-plane"; else echo "  - role: worker"; fi
      if [ -n "${KIND_NODE_IMAGE:-}" ]; then echo "    image: $KIND_NODE_IMAGE"; fi
    done
  } >"$config"
  kind create cluster --name "$cluster" --config "$config"
fi
kind get kubeconfig --name "$cluster" >"$kc"
log "kubeconfig: $kc (kind also set the context kind-$cluster)"

# ---- 2. nodes Ready, control plane schedulable -----------------------------------------------
begin "wait for nodes Ready, allow pods on the control plane"
if ! k wait --for=condition=Ready node --all --timeout="$timeout" >/dev/null; then
  log "nodes did not become Ready within $timeout:"
  k get nodes -o wide >&2 || true
  exit 1
fi
taint="node-role.kubernetes.io/control-plane"
while read -r node keys; do
  case " $keys " in
    *" $taint "*) k taint node "$node" "$taint-" >/dev/null ;;
  esac
done < <(k get nodes -o jsonpath='{range .items[*]}{.metadata.name}{" "}{.spec.taints[*].key}{"\n"}{end}')

# ---- 3. fake GPUs -----------------------------------------------------------------------------
begin "fake GPUs: mode $mode, $gpus per node (scripts/gpu_nodes.ts)"
gpu_args=(--kubeconfig "$kc" -t "$mode" -g "$gpus")
[ -n "$product" ] && gpu_args+=(-d "$product")
[ -n "$memory_mb" ] && gpu_args+=(-m "$memory_mb")
(cd "$root" && deno run -A scripts/gpu_nodes.ts "${gpu_args[@]}")

has_product() { [ -n "$(k get nodes -l "nvidia.com/gpu.product=$1" -o name)" ]; }

if [ "$deploy" -eq 0 ]; then
  begin "done (--no-deploy)"
  step=""
  log "cluster ready: KUBECONFIG=$kc kubectl get nodes -L nvidia.com/gpu.product"
  exit 0
fi

# ---- 4. image ---------------------------------------------------------------------------------
begin "image wva:dev: docker build, kind load"
docker build -t wva:dev -f "$root/Dockerfile" "$root"
kind load docker-image wva:dev --name "$cluster"

# ---- 5. manifests -----------------------------------------------------------------------------
begin "apply kind/ (manifests/ + Prometheus) and the emulator samples, server-side"
k apply --server-side --force-conflicts --field-manager=wva-kind -k "$root/kind"
k wait --for=condition=Established crd/variantautoscalings.llmd.ai --timeout=60s >/dev/null
samples=(-f "$root/manifests/samples/emulator-deployment.yaml"
  -f "$root/manifests/samples/variantautoscaling.yaml")
h100=0
if has_product "$H100"; then
  h100=1
  samples+=(-f "$root/manifests/samples/emulator-h100.yaml")
fi
k apply --server-side --force-conflicts --field-manager=wva-kind "${samples[@]}"

# ---- 6. rollouts ------------------------------------------------------------------------------
begin "wait for the controller, Prometheus and the emulators"
k -n wva-system rollout status deployment/wva-controller --timeout="$timeout"
k -n monitoring rollout status deployment/prometheus --timeout="$timeout"
if has_product "$A100"; then
  k -n llm-d-sim rollout status deployment/vllme-deployment --timeout="$timeout"
else
  log "warning: no node has $A100 (mode $mode): vllme-deployment stays Pending"
fi
if [ "$h100" -eq 1 ]; then
  k -n llm-d-sim rollout status deployment/vllme-h100 --timeout="$timeout"
fi
step=""

k get va -A >&2 || true
cat >&2 <<EOF

[kind/up] Done. Next:
  export KUBECONFIG=$kc          # or: kubectl config use-context kind-$cluster
  kubectl get va -A -w                                   # CURRENT / OPTIMIZED per variant
  kubectl -n wva-system logs deploy/wva-controller -f   # one 'cycle-model' line per cycle

  # load from inside the cluster (the Service spreads connections over the replicas):
  kubectl -n llm-d-sim run loadgen --rm -it --restart=Never --image=wva:dev \\
    --image-pull-policy=IfNotPresent -- loadgen --url http://vllme-service:8000/v1 \\
    --stages 1m@2rps,4m@2..16rps,4m@16rps,3m@2rps --prompt-tokens 96..160 --output-tokens 48..80 \\
    --slo ttft=500ms,itl=50ms

  # or one replica from this machine:
  kubectl -n llm-d-sim port-forward deploy/vllme-deployment 8000:8000 &
  ./scripts/wva.sh loadgen --url http://127.0.0.1:8000/v1 --rate 2rps --duration 1m

  kubectl -n monitoring port-forward svc/prometheus 9090:9090 &   # http://127.0.0.1:9090
  kind/down.sh -c $cluster                                       # remove everything
EOF
