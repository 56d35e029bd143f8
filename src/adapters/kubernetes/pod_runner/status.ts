/**
 * The pod-status and annotation patches the pod runner writes (pure), the way a kubelet reports
 * a container: the `Ready` and `ContainersReady` conditions, `containerStatuses` (ready, restart
 * count, running / waiting / terminated state) and the loopback endpoint annotation. Each builder
 * returns `undefined` when the pod already shows what it would write, so the runner can call it
 * on every probe and every watch event and write only changes (and rewrite what another writer
 * — kwok's stages — replaced).
 *
 * @module
 */
import type { ContainerLike } from "./container.ts";

/**
 * The annotation that holds a pod's emulator address, `127.0.0.1:PORT` (a pod's IP from kwok
 * leads nowhere): a gateway or a discovery reading the API maps an EndpointSlice's pod to it
 * (EndpointSlices refuse loopback addresses), as the runner's own Prometheus targets file does.
 */
export const ENDPOINT_ANNOTATION = "wva.llmd.ai/endpoint";

/** A container state as the API writes it (times are RFC 3339 strings). */
export type ContainerState =
  | { readonly running: { readonly startedAt: string } }
  | { readonly waiting: { readonly reason: string; readonly message?: string } }
  | {
    readonly terminated: {
      readonly exitCode: number;
      readonly reason: string;
      readonly signal?: number;
      readonly startedAt?: string;
      readonly finishedAt: string;
    };
  };

/** What the runner reports for a pod's emulated container. */
export interface ContainerReport {
  readonly ready: boolean;
  readonly restartCount: number;
  readonly state: ContainerState;
  readonly lastState?: ContainerState | undefined;
  /** `emulator://PID` while a process runs. */
  readonly containerID?: string | undefined;
}

interface ConditionLike {
  readonly type: string;
  readonly status: string;
  readonly lastTransitionTime?: Date | string | undefined;
}

interface ContainerStatusLike {
  readonly name: string;
  readonly ready: boolean;
  readonly restartCount: number;
  readonly state?: object | undefined;
}

/** A pod (the parts the builders read; `V1Pod` fits). */
export interface PodLike {
  readonly metadata?: {
    readonly annotations?: Readonly<Record<string, string>> | undefined;
  } | undefined;
  readonly spec?: { readonly containers: readonly ContainerLike[] } | undefined;
  readonly status?: {
    readonly conditions?: readonly ConditionLike[] | undefined;
    readonly containerStatuses?: readonly ContainerStatusLike[] | undefined;
  } | undefined;
}

function stateKey(value: object | undefined): string {
  if (!value) return "";
  const state = value as Readonly<Record<string, unknown>>;
  const [kind] = Object.keys(state).filter((k) => state[k] !== undefined && state[k] !== null);
  const waiting = state.waiting as { reason?: string } | undefined;
  return kind === "waiting" ? `waiting:${waiting?.reason ?? ""}` : kind ?? "";
}

/** True when the pod's status already shows `report` for its containers and conditions. */
function shows(pod: PodLike, report: ContainerReport): boolean {
  const want = report.ready ? "True" : "False";
  const cond = (t: string) => pod.status?.conditions?.find((c) => c.type === t)?.status;
  if (cond("Ready") !== want || cond("ContainersReady") !== want) return false;
  const statuses = pod.status?.containerStatuses ?? [];
  const containers = pod.spec?.containers ?? [];
  if (statuses.length !== containers.length) return false;
  return containers.every((c, i) => {
    const s = statuses.find((x) => x.name === c.name);
    if (!s || s.ready !== report.ready) return false;
    if (i > 0) return true;
    return s.restartCount === report.restartCount &&
      stateKey(s.state) === stateKey(report.state);
  });
}

/**
 * The strategic-merge patch of the `status` subresource that makes the pod show `report`, or
 * `undefined` when it already does. The first container is the emulated one; other containers
 * (sidecars) are reported running, and ready exactly when the emulator is. A condition's
 * `lastTransitionTime` moves to `nowIso` only when its status changes.
 */
export function statusPatch(
  pod: PodLike,
  report: ContainerReport,
  nowIso: string,
): Record<string, unknown> | undefined {
  if (shows(pod, report)) return undefined;
  const status = report.ready ? "True" : "False";
  const conditions = ["Ready", "ContainersReady"].map((type) => {
    const old = pod.status?.conditions?.find((c) => c.type === type);
    const since = old?.status === status ? old.lastTransitionTime : undefined;
    return {
      type,
      status,
      lastTransitionTime: since instanceof Date ? since.toISOString() : since ?? nowIso,
      reason: report.ready ? null : "ContainersNotReady",
      message: null,
    };
  });
  const containers = pod.spec?.containers ?? [];
  const containerStatuses = containers.map((c, i) => ({
    name: c.name,
    image: c.image ?? "",
    imageID: "",
    ready: report.ready,
    started: i > 0 || "running" in report.state,
    restartCount: i === 0 ? report.restartCount : 0,
    state: i === 0 ? report.state : { running: { startedAt: nowIso } },
    lastState: i === 0 && report.lastState ? report.lastState : {},
    ...(i === 0 && report.containerID ? { containerID: report.containerID } : {}),
  }));
  return { status: { conditions, containerStatuses } };
}

/** The merge patch that sets the endpoint annotation, or `undefined` when it is already set. */
export function endpointPatch(
  pod: PodLike,
  endpoint: string,
): Record<string, unknown> | undefined {
  if (pod.metadata?.annotations?.[ENDPOINT_ANNOTATION] === endpoint) return undefined;
  return { metadata: { annotations: { [ENDPOINT_ANNOTATION]: endpoint } } };
}
