#!/usr/bin/env bash
# kwok's Stage definitions for scripts/testcluster.sh (`up --full`). Sourced by testcluster.sh.
# kwok ships no stages when run without kwokctl, so the script writes its own:
#
# - nodes annotated kwok.x-k8s.io/node=fake become Ready and keep their capacity;
# - default: pods bound to a fake node become Running with Ready conditions at once, and deleted
#   pods disappear at once (no grace period) — nothing runs in them;
# - `--pod-runner` (POD_RUNNER=1): pods bound to a fake node become Running with Ready=False and
#   ContainersReady=False (containers started, not ready). Readiness belongs to the pod runner
#   (src/adapters/kubernetes/pod_runner), which runs each pod as a `wva emulator` process and
#   reports Ready when the emulator's readiness endpoint answers. A deleted pod stays Terminating
#   while its emulator drains: the runner deletes it (grace 0) once the process has exited, and
#   kwok deletes it itself when the grace period ends (its deletionTimestamp), so deletion
#   completes even without a runner.

# write_kwok_stages FILE: writes the Stage documents for the mode in POD_RUNNER (0 or 1).
write_kwok_stages() {
  { kwok_node_stage; if [ "${POD_RUNNER:-0}" = 1 ]; then kwok_runner_pod_stages; else kwok_pod_stages; fi; } >"$1"
}

kwok_node_stage() {
  cat <<'EOF'
apiVersion: kwok.x-k8s.io/v1alpha1
kind: Stage
metadata: {name: wva-node-ready}
spec:
  resourceRef: {apiGroup: v1, kind: Node}
  selector:
    matchExpressions:
    - {key: '.status.conditions.[] | select( .type == "Ready" ) | .status', operator: NotIn, values: ['True']}
  next:
    statusTemplate: |
      {{ $now := Now }}
      conditions:
      {{ range NodeConditions }}
      - {lastHeartbeatTime: {{ $now | Quote }}, lastTransitionTime: {{ $now | Quote }}, message: {{ .message | Quote }}, reason: {{ .reason | Quote }}, status: {{ .status | Quote }}, type: {{ .type | Quote }}}
      {{ end }}
      addresses:
      - {address: {{ NodeIP | Quote }}, type: InternalIP}
      - {address: {{ .metadata.name | Quote }}, type: Hostname}
      nodeInfo: {architecture: amd64, operatingSystem: linux, kubeletVersion: fake, kubeProxyVersion: fake, containerRuntimeVersion: fake, kernelVersion: fake, osImage: fake, bootID: "", machineID: "", systemUUID: ""}
      phase: Running
EOF
}

# kwok_pod_running_stage NAME READY: Pending pods bound to a fake node → Running; READY is "true"
# (kwok reports the containers ready) or "false" (the pod runner will).
kwok_pod_running_stage() {
  local name="$1" ready="$2" status reason=""
  status=$([ "$ready" = true ] && echo True || echo False)
  [ "$ready" = true ] || reason=", reason: ContainersNotReady"
  cat <<EOF
---
apiVersion: kwok.x-k8s.io/v1alpha1
kind: Stage
metadata: {name: $name}
spec:
  resourceRef: {apiGroup: v1, kind: Pod}
  selector:
    matchExpressions:
    - {key: .metadata.deletionTimestamp, operator: DoesNotExist}
    - {key: .status.phase, operator: In, values: [Pending]}
    - {key: '.status.conditions.[] | select( .type == "Ready" ) | .status', operator: NotIn, values: ['True']}
  next:
    statusTemplate: |
      {{ \$now := Now }}
      conditions:
      - {type: Initialized, status: "True", lastTransitionTime: {{ \$now | Quote }}}
      - {type: Ready, status: "$status", lastTransitionTime: {{ \$now | Quote }}$reason}
      - {type: ContainersReady, status: "$status", lastTransitionTime: {{ \$now | Quote }}$reason}
      containerStatuses:
      {{ range .spec.containers }}
      - {name: {{ .name | Quote }}, image: {{ .image | Quote }}, ready: $ready, started: true, restartCount: 0, state: {running: {startedAt: {{ \$now | Quote }}}}}
      {{ end }}
      {{ with NodeIPsWith .spec.nodeName }}
      hostIP: {{ index . 0 | Quote }}
      {{ end }}
      {{ with PodIPsWith .spec.nodeName false ( or .metadata.uid "" ) ( or .metadata.name "" ) ( or .metadata.namespace "" ) }}
      podIP: {{ index . 0 | Quote }}
      podIPs:
      {{ range . }}
      - {ip: {{ . | Quote }}}
      {{ end }}
      {{ end }}
      phase: Running
      startTime: {{ \$now | Quote }}
EOF
}

kwok_pod_stages() {
  kwok_pod_running_stage wva-pod-running true
  cat <<'EOF'
---
apiVersion: kwok.x-k8s.io/v1alpha1
kind: Stage
metadata: {name: wva-pod-delete}
spec:
  resourceRef: {apiGroup: v1, kind: Pod}
  selector:
    matchExpressions:
    - {key: .metadata.deletionTimestamp, operator: Exists}
  next: {delete: true}
EOF
}

kwok_runner_pod_stages() {
  kwok_pod_running_stage wva-pod-started false
  # The delay ends at the deletionTimestamp (deletion time + grace period); the runner's own
  # delete (grace 0, after the emulator exited) usually comes first.
  cat <<'EOF'
---
apiVersion: kwok.x-k8s.io/v1alpha1
kind: Stage
metadata: {name: wva-pod-delete-after-grace}
spec:
  resourceRef: {apiGroup: v1, kind: Pod}
  selector:
    matchExpressions:
    - {key: .metadata.deletionTimestamp, operator: Exists}
  delay:
    durationMilliseconds: 0
    durationFrom: {jq: {expression: .metadata.deletionTimestamp}}
  next: {delete: true}
EOF
}
