#!/usr/bin/env bash
# A real Kubernetes control plane on loopback, without Docker, for tests and local runs.
#
#   scripts/testcluster.sh up [--full [--keda] [--pod-runner] [--hpa-sync-period DUR]
#                             [--hpa-downscale-stabilization DUR]] [--nodes N]
#                             [--gpu-type MODE --gpus G] [--dir DIR] [--owner-pid PID]
#   scripts/testcluster.sh down [--dir DIR] [--keep]
#   scripts/testcluster.sh status [--dir DIR]
#   scripts/testcluster.sh restart-apiserver [--dir DIR]
#
# `up` starts etcd and kube-apiserver (TLS, client-certificate auth, RBAC) on free 127.0.0.1 ports;
# `--full` adds kube-controller-manager (with the HPA controller: sync period, default 15s; the
# scale-down window of HPAs without one, default 5m; its decisions logged at -v 4), kube-scheduler
# and kwok with N fake nodes (default 3); `--keda` adds the KEDA operator and its
# metrics adapter (external.metrics.k8s.io through the aggregation layer; needs root, see
# scripts/lib/testcluster_keda.sh); `--pod-runner` leaves the readiness of pods on fake nodes to
# the pod runner, which runs them as emulator processes (scripts/lib/testcluster_kwok.sh).
# The last line of `up` is the path of an admin kubeconfig shaped like Kind's (CA, client cert and
# key inlined); `restricted.kubeconfig` beside it is a service-account token kubeconfig that may
# only get/list/watch ConfigMaps in namespace `wva-restricted`. `--owner-pid` stops the cluster
# when that process exits. Binaries come from scripts/build_k8s.sh (or $WVA_K8S_BIN) and
# scripts/build_keda.sh (or $WVA_KEDA_DIR).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
self="$root/scripts/testcluster.sh"
# shellcheck source=lib/common.sh
. "$root/scripts/lib/common.sh"
# shellcheck source=lib/testcluster_keda.sh
. "$root/scripts/lib/testcluster_keda.sh"
# shellcheck source=lib/testcluster_kwok.sh
. "$root/scripts/lib/testcluster_kwok.sh"
DIR="${WVA_TESTCLUSTER_DIR:-$root/.wva/testcluster}"
FULL=0 KEDA=0 POD_RUNNER=0 HPA_SYNC=15s HPA_DOWN=5m NODES=3 OWNER="" KEEP=0 GPU_TYPE="" GPUS=""
T0=$(date +%s%N)
SERVICE_CIDR=10.96.0.0/16 SERVICE_IP=10.96.0.1 POD_CIDR=10.244.0.0/16

log() { printf '[testcluster %5sms] %s\n' "$((($(date +%s%N) - T0) / 1000000))" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
usage() { sed -n '2,22p' "$self" | sed 's/^# \{0,1\}//'; }

parse_args() {
  while [ $# -gt 0 ]; do
    case "$1" in
      --full) FULL=1 ;;
      --keda) KEDA=1 ;;
      --pod-runner) POD_RUNNER=1 ;;
      --hpa-sync-period) HPA_SYNC="${2:?--hpa-sync-period needs a duration like 2s}"; shift ;;
      --hpa-downscale-stabilization) HPA_DOWN="${2:?--hpa-downscale-stabilization needs a duration like 10s}"; shift ;;
      --nodes) NODES="${2:?--nodes needs a number}"; shift ;;
      --gpu-type) GPU_TYPE="${2:?--gpu-type needs a mode}"; shift ;;
      --gpus) GPUS="${2:?--gpus needs a number}"; shift ;;
      --dir) DIR="${2:?--dir needs a path}"; shift ;;
      --owner-pid) OWNER="${2:?--owner-pid needs a pid}"; shift ;;
      --keep) KEEP=1 ;;
      -h | --help) usage; exit 0 ;;
      *) echo "unknown argument '$1'" >&2; usage >&2; exit 2 ;;
    esac
    shift
  done
  { [[ "$NODES" =~ ^[0-9]+$ ]] && [ "$NODES" -ge 1 ]; } || { echo "--nodes must be a positive integer, got '$NODES'" >&2; exit 2; }
  [[ "$HPA_SYNC" =~ ^[0-9]+(ms|s|m)$ ]] || { echo "--hpa-sync-period must be a duration like 2s or 500ms, got '$HPA_SYNC'" >&2; exit 2; }
  [[ "$HPA_DOWN" =~ ^[0-9]+(ms|s|m)$ ]] || { echo "--hpa-downscale-stabilization must be a duration like 10s or 5m, got '$HPA_DOWN'" >&2; exit 2; }
  [ "$KEDA" = 0 ] || [ "$FULL" = 1 ] || { echo "--keda needs --full (the HPA controller runs in kube-controller-manager)" >&2; exit 2; }
  [ "$POD_RUNNER" = 0 ] || [ "$FULL" = 1 ] || { echo "--pod-runner needs --full (pods run on kwok's fake nodes)" >&2; exit 2; }
  DIR="$(realpath -m "$DIR")"
  PKI="$DIR/pki"
}

find_bins() {
  if [ -n "${WVA_K8S_BIN:-}" ]; then BIN="$WVA_K8S_BIN"; else BIN="$("$root/scripts/build_k8s.sh" --print-bin-dir)"; fi
  local need=(etcd kube-apiserver kubectl) b missing=()
  [ "$FULL" = 1 ] && need+=(kube-controller-manager kube-scheduler kwok)
  for b in "${need[@]}"; do [ -x "$BIN/$b" ] || missing+=("$b"); done
  [ ${#missing[@]} -eq 0 ] ||
    die "missing Kubernetes binaries in $BIN: ${missing[*]}. Build them with ./scripts/build_k8s.sh (the first build takes about 10 minutes on 2 cores), or set WVA_K8S_BIN."
  [ "$KEDA" = 0 ] || find_keda
}

# pick_port VAR: sets VAR to a random 127.0.0.1 port in 20000-32767 (below the kernel's ephemeral
# range) that nothing listens on and that this run did not pick yet.
PICKED=" "
pick_port() {
  local used p
  used=" $(ss -Htan 2>/dev/null | awk '{ n = split($4, a, ":"); print a[n] }' | tr '\n' ' ') "
  for _ in $(seq 200); do
    p=$((20000 + RANDOM % 12768))
    [[ "$used" == *" $p "* || "$PICKED" == *" $p "* ]] && continue
    PICKED+="$p "; printf -v "$1" '%s' "$p"; return 0
  done
  die "no free port found"
}

# ---- certificates (openssl; RSA keys in PKCS#1 form like kubeadm/Kind) ----
gen_key() { openssl genrsa -traditional -out "$1" 2048 2>/dev/null; }
gen_ca() { # name cn (key made by gen_keys)
  openssl req -x509 -new -key "$PKI/$1.key" -subj "/CN=$2" -days 3650 -out "$PKI/$1.crt" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature" 2>/dev/null
}
gen_cert() { # name ca subject usage [sans]
  local ext="$PKI/$1.ext"
  openssl req -new -key "$PKI/$1.key" -subj "$3" -out "$PKI/$1.csr" 2>/dev/null
  printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=%s\n' "$4" >"$ext"
  [ -n "${5:-}" ] && printf 'subjectAltName=%s\n' "$5" >>"$ext"
  openssl x509 -req -in "$PKI/$1.csr" -CA "$PKI/$2.crt" -CAkey "$PKI/$2.key" -CAcreateserial \
    -days 3650 -extfile "$ext" -out "$PKI/$1.crt" 2>/dev/null
  rm -f "$PKI/$1.csr" "$ext"
}
gen_keys() { # RSA keygen dominates start-up time: make all keys in parallel
  local k pids=()
  for k in "$@"; do gen_key "$PKI/$k.key" & pids+=($!); done
  for k in "${pids[@]}"; do wait "$k" || die "openssl genrsa failed"; done
}
gen_pki() {
  mkdir -p "$PKI"
  local keys=(ca front-proxy-ca apiserver admin front-proxy-client sa)
  [ "$FULL" = 1 ] && keys+=(controller-manager scheduler)
  [ "$KEDA" = 1 ] && keys+=(keda-ca keda)
  gen_keys "${keys[@]}"
  gen_ca ca wva-test-ca
  gen_ca front-proxy-ca wva-test-front-proxy-ca
  gen_cert apiserver ca /CN=kube-apiserver serverAuth \
    "IP:127.0.0.1,IP:$SERVICE_IP,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local"
  gen_cert admin ca "/O=system:masters/CN=kubernetes-admin" clientAuth
  gen_cert front-proxy-client front-proxy-ca /CN=front-proxy-client clientAuth
  if [ "$FULL" = 1 ]; then
    gen_cert controller-manager ca /CN=system:kube-controller-manager clientAuth
    gen_cert scheduler ca /CN=system:kube-scheduler clientAuth
  fi
  [ "$KEDA" = 1 ] && keda_certs
  openssl rsa -in "$PKI/sa.key" -pubout -out "$PKI/sa.pub" 2>/dev/null
}

b64() { base64 -w0 <"$1"; }
write_kubeconfig() { # file user cert-name
  umask 077
  cat >"$1" <<EOF
apiVersion: v1
kind: Config
preferences: {}
clusters:
- cluster:
    certificate-authority-data: $(b64 "$PKI/ca.crt")
    server: $APISERVER_URL
  name: wva-test
contexts:
- context:
    cluster: wva-test
    user: $2
  name: wva-test
current-context: wva-test
users:
- name: $2
  user:
    client-certificate-data: $(b64 "$PKI/$3.crt")
    client-key-data: $(b64 "$PKI/$3.key")
EOF
}

# ---- processes ----
start_proc() { # name args...
  local name="$1"; shift
  mkdir -p "$DIR/logs" "$DIR/pids" "$DIR/cmd"
  printf '%s\0' "$@" >"$DIR/cmd/$name"
  setsid "$@" >>"$DIR/logs/$name.log" 2>&1 </dev/null &
  echo $! >"$DIR/pids/$name.pid"
}
alive() { [ -f "$DIR/pids/$1.pid" ] && kill -0 "$(cat "$DIR/pids/$1.pid")" 2>/dev/null; }
stop_proc() { # name
  local f="$DIR/pids/$1.pid" pid
  [ -f "$f" ] || return 0
  pid="$(cat "$f")"
  if [ "$pid" != "$$" ] && kill -0 "$pid" 2>/dev/null; then
    # kube-apiserver's graceful shutdown waits for open watches; give it 3s, then kill.
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 30); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
  fi
  rm -f "$f"
}
fail_with_log() { # name message
  log "last lines of $DIR/logs/$1.log:"
  tail -n 25 "$DIR/logs/$1.log" 2>/dev/null | sed 's/^/    /' >&2 || true
  cleanup_all
  die "$2"
}
wait_until() { # name timeout_s command...
  local name="$1" limit="$2" deadline=$(($(date +%s) + $2)); shift 2
  until "$@" >/dev/null 2>&1; do
    alive "$name" || fail_with_log "$name" "$name exited during start-up"
    [ "$(date +%s)" -lt "$deadline" ] || fail_with_log "$name" "$name not ready after ${limit}s"
    sleep 0.1
  done
}
readyz() { curl -sf --max-time 2 --cacert "$PKI/ca.crt" --cert "$PKI/admin.crt" --key "$PKI/admin.key" "$APISERVER_URL/readyz"; }
kctl() { "$BIN/kubectl" --kubeconfig "$DIR/admin.kubeconfig" "$@"; }

start_etcd() {
  local cp pp
  pick_port cp; pick_port pp
  ETCD_URL="http://127.0.0.1:$cp"
  start_proc etcd "$BIN/etcd" --name=wva-test --data-dir="$DIR/etcd-data" --unsafe-no-fsync=true \
    --listen-client-urls="$ETCD_URL" --advertise-client-urls="$ETCD_URL" \
    --listen-peer-urls="http://127.0.0.1:$pp" --initial-advertise-peer-urls="http://127.0.0.1:$pp" \
    --initial-cluster="wva-test=http://127.0.0.1:$pp" --log-level=warn
  wait_until etcd 30 curl -sf --max-time 1 "$ETCD_URL/health"
  log "etcd ready at $ETCD_URL"
}

start_apiserver() {
  local extra=()
  [ "$FULL" = 1 ] || extra+=(--disable-admission-plugins=ServiceAccount)
  start_proc kube-apiserver "$BIN/kube-apiserver" --etcd-servers="$ETCD_URL" \
    --bind-address=127.0.0.1 --advertise-address=127.0.0.1 --secure-port="$APISERVER_PORT" \
    --endpoint-reconciler-type=none --tls-cert-file="$PKI/apiserver.crt" --tls-private-key-file="$PKI/apiserver.key" \
    --client-ca-file="$PKI/ca.crt" --authorization-mode=Node,RBAC --allow-privileged=true \
    --service-cluster-ip-range="$SERVICE_CIDR" --service-account-issuer=https://kubernetes.default.svc.cluster.local \
    --service-account-key-file="$PKI/sa.pub" --service-account-signing-key-file="$PKI/sa.key" \
    --proxy-client-cert-file="$PKI/front-proxy-client.crt" --proxy-client-key-file="$PKI/front-proxy-client.key" \
    --requestheader-client-ca-file="$PKI/front-proxy-ca.crt" --requestheader-allowed-names=front-proxy-client \
    --requestheader-username-headers=X-Remote-User --requestheader-group-headers=X-Remote-Group \
    --requestheader-extra-headers-prefix=X-Remote-Extra- --enable-aggregator-routing=true \
    --feature-gates=HPAScaleToZero=true --profiling=false "${extra[@]}"
  local t
  t=$(date +%s%N)
  wait_until kube-apiserver 90 readyz
  log "kube-apiserver ready at $APISERVER_URL in $((($(date +%s%N) - t) / 1000000))ms"
}

setup_restricted_sa() {
  kctl apply -f - >/dev/null <<'EOF'
apiVersion: v1
kind: Namespace
metadata: {name: wva-restricted}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: wva-restricted, namespace: wva-restricted}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: configmap-reader, namespace: wva-restricted}
rules:
- {apiGroups: [""], resources: [configmaps], verbs: [get, list, watch]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: wva-restricted-configmap-reader, namespace: wva-restricted}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: configmap-reader}
subjects:
- {kind: ServiceAccount, name: wva-restricted, namespace: wva-restricted}
EOF
  local token
  token="$(kctl -n wva-restricted create token wva-restricted --duration=24h)"
  umask 077
  cat >"$DIR/restricted.kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
- cluster:
    certificate-authority-data: $(b64 "$PKI/ca.crt")
    server: $APISERVER_URL
  name: wva-test
contexts:
- context: {cluster: wva-test, namespace: wva-restricted, user: wva-restricted}
  name: wva-restricted
current-context: wva-restricted
users:
- name: wva-restricted
  user:
    token: $token
EOF
  log "restricted service-account kubeconfig: $DIR/restricted.kubeconfig"
}

start_control_loops() {
  local kcm_port sched_port
  pick_port kcm_port; pick_port sched_port
  write_kubeconfig "$DIR/controller-manager.kubeconfig" system:kube-controller-manager controller-manager
  write_kubeconfig "$DIR/scheduler.kubeconfig" system:kube-scheduler scheduler
  start_proc kube-controller-manager "$BIN/kube-controller-manager" --kubeconfig="$DIR/controller-manager.kubeconfig" \
    --authentication-kubeconfig="$DIR/controller-manager.kubeconfig" --authorization-kubeconfig="$DIR/controller-manager.kubeconfig" \
    --bind-address=127.0.0.1 --secure-port="$kcm_port" --leader-elect=false --use-service-account-credentials=true \
    --service-account-private-key-file="$PKI/sa.key" --root-ca-file="$PKI/ca.crt" \
    --service-cluster-ip-range="$SERVICE_CIDR" --cluster-cidr="$POD_CIDR" --allocate-node-cidrs=false \
    --horizontal-pod-autoscaler-sync-period="$HPA_SYNC" --horizontal-pod-autoscaler-downscale-stabilization="$HPA_DOWN" \
    --vmodule=horizontal=4 \
    --feature-gates=HPAScaleToZero=true --profiling=false --kube-api-qps=200 --kube-api-burst=400
  start_proc kube-scheduler "$BIN/kube-scheduler" --kubeconfig="$DIR/scheduler.kubeconfig" \
    --authentication-kubeconfig="$DIR/scheduler.kubeconfig" --authorization-kubeconfig="$DIR/scheduler.kubeconfig" \
    --bind-address=127.0.0.1 --secure-port="$sched_port" --leader-elect=false --profiling=false
  write_kwok_stages "$DIR/kwok-stages.yaml"
  start_proc kwok "$BIN/kwok" --kubeconfig="$DIR/admin.kubeconfig" --config="$DIR/kwok-stages.yaml" \
    --manage-all-nodes=false --manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake \
    --node-lease-duration-seconds=40 --cidr="$POD_CIDR" --node-ip=10.89.0.1
  create_nodes
  wait_until kube-controller-manager 60 kctl -n default get serviceaccount default
  wait_until kwok 60 kctl wait --for=condition=Ready node --all --timeout=2s
  alive kube-scheduler || fail_with_log kube-scheduler "kube-scheduler exited during start-up"
  log "controller-manager, scheduler and kwok running; $NODES fake node(s) Ready"
}

create_nodes() {
  local i docs=""
  for i in $(seq 0 $((NODES - 1))); do
    docs+="---
apiVersion: v1
kind: Node
metadata:
  name: wva-node-$i
  annotations: {kwok.x-k8s.io/node: fake, node.alpha.kubernetes.io/ttl: \"0\"}
  labels: {type: kwok, kubernetes.io/hostname: wva-node-$i, kubernetes.io/os: linux, kubernetes.io/arch: amd64}
status:
  capacity: {cpu: \"32\", memory: 256Gi, pods: \"110\"}
  allocatable: {cpu: \"32\", memory: 256Gi, pods: \"110\"}
"
  done
  printf '%s' "$docs" | kctl create -f - >/dev/null
}

start_watchdog() { # stops the cluster when the owner process exits
  [ -n "$OWNER" ] || return 0
  kill -0 "$OWNER" 2>/dev/null || die "--owner-pid $OWNER is not a running process"
  # shellcheck disable=SC2016 # the inner script expands its own positional arguments
  setsid bash -c 'while kill -0 "$1" 2>/dev/null && [ -f "$2/cluster.env" ]; do sleep 1; done
    [ -f "$2/cluster.env" ] && exec "$3" down --dir "$2"' _ "$OWNER" "$DIR" "$self" >/dev/null 2>&1 </dev/null &
  echo $! >"$DIR/pids/watchdog.pid"
}

# Every component, in stop order (etcd last; KEDA's bridges after the adapter).
COMPONENTS="watchdog keda-adapter keda-bridge-netns keda-bridge-apiserver keda-bridge-grpc keda-operator kwok kube-scheduler kube-controller-manager kube-apiserver etcd"

# cleanup_all: TERM everything at once (etcd last), wait up to 3s, then KILL what is left; signals
# go to each component's process group (start_proc uses setsid), which also reaches the children
# socat forks per connection. Then deletes KEDA's network namespace, if any.
cleanup_all() {
  local n pid pids=()
  for n in $COMPONENTS; do
    [ -f "$DIR/pids/$n.pid" ] || continue
    pid="$(cat "$DIR/pids/$n.pid")"
    rm -f "$DIR/pids/$n.pid"
    { [ "$pid" != "$$" ] && kill -0 "$pid" 2>/dev/null; } || continue
    [ "$n" = etcd ] || kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    pids+=("$pid")
  done
  [ ${#pids[@]} -gt 0 ] || { netns_down; return 0; }
  for _ in $(seq 30); do
    n=0
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && n=$((n + 1)); done
    [ "$n" -gt 1 ] || break # only etcd left
    sleep 0.1
  done
  for pid in "${pids[@]}"; do kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
  done
  netns_down
}

cmd_up() {
  if [ -f "$DIR/cluster.env" ]; then
    if alive kube-apiserver; then
      log "a cluster is already running in $DIR (run '$self down --dir $DIR' first); reusing it"
      echo "$DIR/admin.kubeconfig"; return 0
    fi
    log "stale cluster state in $DIR: cleaning up"; cmd_down
  fi
  find_bins
  mkdir -p "$DIR"
  netns_down # a namespace left by a run that died before writing cluster.env
  rm -rf "${DIR:?}/"{pki,etcd-data,logs,pids,cmd,keda} "$DIR"/*.kubeconfig
  log "starting $([ "$FULL" = 1 ] && echo "full tier, $NODES node(s)" || echo "basic tier")$([ "$KEDA" = 1 ] && echo " + KEDA")$([ "$POD_RUNNER" = 1 ] && echo ", pod readiness left to the pod runner") in $DIR (binaries: $BIN)"
  [ "$KEDA" = 1 ] && netns_up
  gen_pki
  log "certificates generated"
  pick_port APISERVER_PORT
  APISERVER_URL="https://127.0.0.1:$APISERVER_PORT"
  start_etcd
  start_apiserver
  write_kubeconfig "$DIR/admin.kubeconfig" kubernetes-admin admin
  printf 'APISERVER_URL=%s\nETCD_URL=%s\nFULL=%s\nKEDA=%s\nPOD_RUNNER=%s\nHPA_SYNC=%s\nNODES=%s\nBIN=%s\n' \
    "$APISERVER_URL" "$ETCD_URL" "$FULL" "$KEDA" "$POD_RUNNER" "$HPA_SYNC" "$NODES" "$BIN" >"$DIR/cluster.env"
  start_watchdog
  setup_restricted_sa
  [ "$FULL" = 1 ] && start_control_loops
  [ "$KEDA" = 1 ] && start_keda
  if [ -n "$GPU_TYPE$GPUS" ]; then
    [ "$FULL" = 1 ] || die "--gpu-type/--gpus need --full (there are no nodes otherwise)"
    deno run -A "$root/scripts/gpu_nodes.ts" --kubeconfig "$DIR/admin.kubeconfig" \
      ${GPU_TYPE:+--type "$GPU_TYPE"} ${GPUS:+--gpus "$GPUS"} >&2
  fi
  log "up; admin kubeconfig follows (export KUBECONFIG=$DIR/admin.kubeconfig)"
  echo "$DIR/admin.kubeconfig"
}

cmd_down() {
  [ -d "$DIR" ] || { log "nothing to stop in $DIR"; return 0; }
  cleanup_all
  if [ "$KEEP" = 1 ]; then
    rm -f "$DIR/cluster.env"; log "stopped; state kept in $DIR"
  else
    rm -rf "${DIR:?}"; log "stopped and removed $DIR"
  fi
}

cmd_status() {
  [ -f "$DIR/cluster.env" ] || { echo "no cluster in $DIR"; return 1; }
  # shellcheck disable=SC1091
  . "$DIR/cluster.env"
  local n rc=0
  echo "cluster in $DIR: apiserver $APISERVER_URL, etcd $ETCD_URL, $([ "$FULL" = 1 ] && echo "full tier, $NODES node(s), HPA sync ${HPA_SYNC:-15s}$([ "${POD_RUNNER:-0}" = 1 ] && echo ", pod readiness left to the pod runner")" || echo "basic tier")"
  if [ -f "$DIR/keda/netns.env" ]; then
    # shellcheck disable=SC1091
    . "$DIR/keda/netns.env"
    echo "  KEDA metrics adapter in network namespace $NETNS at $NETNS_IP"
  fi
  for n in $COMPONENTS; do
    [ -f "$DIR/pids/$n.pid" ] || continue
    if alive "$n"; then echo "  $n: running (pid $(cat "$DIR/pids/$n.pid"))"; else echo "  $n: NOT running"; rc=1; fi
  done
  PKI="$DIR/pki"
  if readyz >/dev/null 2>&1; then echo "  /readyz: ok"; else echo "  /readyz: failing"; rc=1; fi
  return $rc
}

cmd_restart_apiserver() {
  [ -f "$DIR/cluster.env" ] || die "no cluster in $DIR"
  # shellcheck disable=SC1091
  . "$DIR/cluster.env"
  local args=()
  mapfile -d '' args <"$DIR/cmd/kube-apiserver"
  stop_proc kube-apiserver
  log "kube-apiserver stopped"
  start_proc kube-apiserver "${args[@]}"
  local t
  t=$(date +%s%N)
  wait_until kube-apiserver 90 readyz
  log "kube-apiserver ready again in $((($(date +%s%N) - t) / 1000000))ms"
}

cmd="${1:-}"
[ $# -gt 0 ] && shift
parse_args "$@"
case "$cmd" in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  restart-apiserver) cmd_restart_apiserver ;;
  -h | --help | help) usage ;;
  *) usage >&2; exit 2 ;;
esac
