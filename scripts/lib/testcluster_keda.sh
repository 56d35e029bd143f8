#!/usr/bin/env bash
# KEDA for scripts/testcluster.sh (`up --full --keda`). Sourced by testcluster.sh, which defines
# DIR, PKI, BIN, APISERVER_PORT, log, die, start_proc, alive, wait_until, pick_port, gen_cert, kctl.
#
# Why a network namespace: the apiserver reaches an aggregated API (KEDA's metrics adapter serving
# external.metrics.k8s.io) through the Service's EndpointSlice (`--enable-aggregator-routing`),
# and Kubernetes refuses loopback addresses in EndpointSlices. So each cluster creates its own
# network namespace with a veth pair in a private /30 (10.213.0.0/16, one block per cluster, so
# clusters coexist) and runs the adapter inside it, on the namespace's address. The adapter's own
# outgoing connections (to the apiserver and to the operator's gRPC metrics service, both on the
# host's loopback) go through Unix sockets in DIR/keda/s/ bridged by socat, so traffic only ever
# goes to 127.0.0.0/8 and to the namespace the run created. `down` (and the owner-pid watchdog)
# stops the processes and deletes the namespace, which removes the veth pair with it.
#
# The KEDA operator runs on the host (it queries Prometheus on loopback); the adapter never talks
# to Prometheus, only to the operator over gRPC (mutual TLS with DIR/keda/certs).
# shellcheck disable=SC2154 # root, DIR, PKI, APISERVER_PORT are set by testcluster.sh

NETNS_BASE=10.213 # the /16 the per-cluster /30 blocks come from
KEDA_NS=keda
KEDA_SVC=keda-metrics-apiserver
ADAPTER_PORT=6443 # inside the namespace, so every cluster can use the same one

find_keda() { # sets KEDA_DIR (bin/ and crd/ below it) or dies naming the build command
  if [ -n "${WVA_KEDA_DIR:-}" ]; then KEDA_DIR="$WVA_KEDA_DIR"; else KEDA_DIR="$("$root/scripts/build_keda.sh" --print-dir)"; fi
  local b missing=()
  for b in keda-operator keda-adapter; do [ -x "$KEDA_DIR/bin/$b" ] || missing+=("$b"); done
  compgen -G "$KEDA_DIR/crd/*.yaml" >/dev/null || missing+=(crds)
  [ ${#missing[@]} -eq 0 ] ||
    die "missing KEDA pieces in $KEDA_DIR: ${missing[*]}. Build them with ./scripts/build_keda.sh (the first build takes about 8 minutes on 2 cores), or set WVA_KEDA_DIR."
  [ "$(id -u)" = 0 ] || die "--keda needs root: it creates a network namespace for KEDA's metrics adapter (ip netns add)"
  ensure_debian_tools ip:iproute2 socat:socat >/dev/null || die "--keda needs 'ip' (iproute2) and socat"
}

# addr_in_use IP: an interface has it, or a route other than the default one covers it.
addr_in_use() {
  ip -o -4 addr show | grep -qF " $1/" && return 0
  ip -4 route show match "$1" | grep -qv '^default' && return 0
  return 1
}

# netns_up: claims a free /30 block k (the netns name wva-tc-k is the atomic claim), creates the
# veth pair wvh<k> (host, .1) / wvn<k> (namespace, .2), records it in DIR/keda/netns.env.
netns_up() {
  local k a b
  mkdir -p "$DIR/keda"
  for _ in $(seq 50); do
    k=$((RANDOM % 16384)) a=$((k / 64)) b=$((k % 64 * 4))
    NETNS_HOST_IP="$NETNS_BASE.$a.$((b + 1))" NETNS_IP="$NETNS_BASE.$a.$((b + 2))"
    addr_in_use "$NETNS_HOST_IP" || addr_in_use "$NETNS_IP" && continue
    ip netns add "wva-tc-$k" 2>/dev/null || continue
    NETNS="wva-tc-$k"
    printf 'NETNS=%s\nNETNS_VETH=wvh%s\nNETNS_IP=%s\nNETNS_HOST_IP=%s\n' "$NETNS" "$k" "$NETNS_IP" "$NETNS_HOST_IP" >"$DIR/keda/netns.env"
    if ! { ip link add "wvh$k" type veth peer name "wvn$k" netns "$NETNS" &&
      ip addr add "$NETNS_HOST_IP/30" dev "wvh$k" && ip link set "wvh$k" up &&
      ip -n "$NETNS" addr add "$NETNS_IP/30" dev "wvn$k" && ip -n "$NETNS" link set "wvn$k" up &&
      ip -n "$NETNS" link set lo up; }; then
      netns_down
      die "cannot set up the veth pair for $NETNS"
    fi
    log "network namespace $NETNS: adapter address $NETNS_IP (host end $NETNS_HOST_IP, veth wvh$k)"
    return 0
  done
  die "no free /30 block in $NETNS_BASE.0.0/16 for the KEDA network namespace"
}

# netns_down: deletes the namespace recorded in DIR/keda/netns.env (its processes must be gone);
# the veth pair goes with it. Safe to call twice.
netns_down() {
  [ -f "$DIR/keda/netns.env" ] || return 0
  local NETNS="" NETNS_VETH=""
  # shellcheck disable=SC1091
  . "$DIR/keda/netns.env"
  [ -n "$NETNS" ] && ip netns del "$NETNS" 2>/dev/null
  # The kernel removes the pair once the namespace is gone; make sure of it.
  if [ -n "$NETNS_VETH" ] && ip link show "$NETNS_VETH" >/dev/null 2>&1; then
    for _ in $(seq 20); do ip link show "$NETNS_VETH" >/dev/null 2>&1 || break; sleep 0.1; done
    ip link del "$NETNS_VETH" 2>/dev/null || true
  fi
  rm -f "$DIR/keda/netns.env"
}

keda_certs() { # a KEDA CA and one cert (server + client) for the adapter and the operator's gRPC
  gen_ca keda-ca wva-test-keda-ca
  gen_cert keda keda-ca /CN=keda serverAuth,clientAuth \
    "DNS:$KEDA_SVC.$KEDA_NS.svc,DNS:$KEDA_SVC.$KEDA_NS.svc.cluster.local,DNS:keda-operator.$KEDA_NS.svc,DNS:keda-operator.$KEDA_NS.svc.cluster.local,DNS:localhost,IP:127.0.0.1,IP:$NETNS_IP"
  mkdir -p "$DIR/keda/certs"
  cp "$PKI/keda-ca.crt" "$DIR/keda/certs/ca.crt"
  cp "$PKI/keda.crt" "$DIR/keda/certs/tls.crt"
  cp "$PKI/keda.key" "$DIR/keda/certs/tls.key"
}

keda_objects() { # CRDs, namespace, the adapter's Service + EndpointSlice, the APIService
  kctl apply --server-side -f "$KEDA_DIR/crd/" >/dev/null
  kctl wait --for=condition=Established --timeout=30s -f "$KEDA_DIR/crd/" >/dev/null
  kctl apply -f - >/dev/null <<EOF
apiVersion: v1
kind: Namespace
metadata: {name: $KEDA_NS}
---
apiVersion: v1
kind: Service
metadata: {name: $KEDA_SVC, namespace: $KEDA_NS}
spec:
  ports: [{name: https, port: 443, protocol: TCP, targetPort: $ADAPTER_PORT}]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: $KEDA_SVC-netns
  namespace: $KEDA_NS
  labels: {kubernetes.io/service-name: $KEDA_SVC, endpointslice.kubernetes.io/managed-by: wva-testcluster}
addressType: IPv4
endpoints: [{addresses: ["$NETNS_IP"], conditions: {ready: true}}]
ports: [{name: https, port: $ADAPTER_PORT, protocol: TCP}]
---
apiVersion: apiregistration.k8s.io/v1
kind: APIService
metadata: {name: v1beta1.external.metrics.k8s.io}
spec:
  group: external.metrics.k8s.io
  version: v1beta1
  groupPriorityMinimum: 100
  versionPriority: 100
  service: {name: $KEDA_SVC, namespace: $KEDA_NS, port: 443}
  caBundle: $(b64 "$PKI/keda-ca.crt")
EOF
}

start_keda() {
  local sock="$DIR/keda/s" kc="$DIR/admin.kubeconfig" grpc_port probe_port metrics_port
  [ ${#sock} -le 90 ] || die "state dir path too long for Unix sockets ($sock); use a shorter --dir"
  mkdir -p "$sock"
  pick_port grpc_port; pick_port probe_port; pick_port metrics_port
  keda_objects
  start_proc keda-operator env WATCH_NAMESPACE= KEDA_CLUSTER_OBJECT_NAMESPACE="$KEDA_NS" POD_NAMESPACE="$KEDA_NS" \
    KUBECONFIG="$kc" "$KEDA_DIR/bin/keda-operator" --leader-elect=false --enable-cert-rotation=false \
    --cert-dir="$DIR/keda/certs" --metrics-service-bind-address="127.0.0.1:$grpc_port" \
    --health-probe-bind-address="127.0.0.1:$probe_port" --metrics-bind-address="127.0.0.1:$metrics_port" \
    --zap-log-level=info --zap-encoder=console
  # Bridges: host-side Unix listeners for the operator's gRPC and the apiserver; inside the
  # namespace, 127.0.0.1:<apiserver port> forwards to the apiserver socket, so the admin
  # kubeconfig works there unchanged.
  start_proc keda-bridge-grpc socat "UNIX-LISTEN:$sock/grpc.sock,fork,unlink-early" "TCP:127.0.0.1:$grpc_port"
  start_proc keda-bridge-apiserver socat "UNIX-LISTEN:$sock/apiserver.sock,fork,unlink-early" "TCP:127.0.0.1:$APISERVER_PORT"
  start_proc keda-bridge-netns ip netns exec "$NETNS" socat \
    "TCP-LISTEN:$APISERVER_PORT,bind=127.0.0.1,fork,reuseaddr" "UNIX-CONNECT:$sock/apiserver.sock"
  wait_until keda-bridge-grpc 10 test -S "$sock/grpc.sock"
  wait_until keda-bridge-apiserver 10 test -S "$sock/apiserver.sock"
  start_proc keda-adapter ip netns exec "$NETNS" env WATCH_NAMESPACE= KEDA_CLUSTER_OBJECT_NAMESPACE="$KEDA_NS" \
    POD_NAMESPACE="$KEDA_NS" KUBECONFIG="$kc" "$KEDA_DIR/bin/keda-adapter" \
    --lister-kubeconfig="$kc" --authentication-kubeconfig="$kc" --authorization-kubeconfig="$kc" \
    --bind-address="$NETNS_IP" --secure-port="$ADAPTER_PORT" --cert-dir="$DIR/keda/certs" \
    --tls-cert-file="$DIR/keda/certs/tls.crt" --tls-private-key-file="$DIR/keda/certs/tls.key" \
    --metrics-service-address="unix://$sock/grpc.sock" --metrics-service-grpc-authority="keda-operator.$KEDA_NS.svc" \
    --port=8080 --zap-log-level=info --zap-encoder=console
  wait_until keda-operator 90 curl -sf --max-time 1 "http://127.0.0.1:$probe_port/readyz"
  wait_until keda-adapter 90 kctl wait --for=condition=Available --timeout=2s apiservice/v1beta1.external.metrics.k8s.io
  printf 'KEDA_DIR=%s\nKEDA_OPERATOR_METRICS=http://127.0.0.1:%s/metrics\n' "$KEDA_DIR" "$metrics_port" >>"$DIR/cluster.env"
  log "KEDA operator and metrics adapter running; external.metrics.k8s.io Available via $NETNS_IP:$ADAPTER_PORT"
}
