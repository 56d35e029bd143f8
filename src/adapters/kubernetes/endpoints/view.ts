/**
 * From Services, EndpointSlices and pods to the gateway's view of each model (pure): which
 * endpoints are ready, which are leaving, and where to reach them.
 *
 * | rule | from |
 * |---|---|
 * | a Service serves model M | its annotation `llm-d.ai/model-id: M` (one Service per model; two Services with the same model add up) |
 * | the slices of a Service | the label `kubernetes.io/service-name` |
 * | ready | `conditions.ready` is not false and `conditions.terminating` is not true |
 * | leaving | `conditions.terminating` is true |
 * | id | `targetRef.name` (the pod), else `address:port` |
 * | url | the pod's `wva.llmd.ai/endpoint` annotation (`127.0.0.1:PORT`, written by the pod runner) when present, else `http://<address>:<port>` with the slice port named `http` (else its first port) |
 * | variant | the pod's `llm-d.ai/variant` label |
 *
 * Why the annotation wins: on the local control plane (kwok) an EndpointSlice address is a fake
 * pod IP that leads nowhere, and slices refuse loopback addresses; the pod runner's emulator
 * listens on loopback and says where in the annotation. On Kind or a real cluster there is no
 * annotation and the slice address is the pod's real one.
 *
 * @module
 */
import type { Endpoint } from "../../../core/contract/endpoints.ts";
import { ANNOTATIONS } from "../../../core/api/annotations.ts";
import { ENDPOINT_ANNOTATION } from "../pod_runner/status.ts";

/** The pod annotation the pod runner writes: where the pod's emulator listens (`127.0.0.1:PORT`). */
export const POD_ENDPOINT_ANNOTATION = ENDPOINT_ANNOTATION;
/** The Service annotation naming the model it serves (WVA's model-id annotation). */
export const SERVICE_MODEL_ANNOTATION = ANNOTATIONS.modelId;
/** The label that ties an EndpointSlice to its Service. */
export const SERVICE_NAME_LABEL = "kubernetes.io/service-name";
/** The pod label naming its variant. */
export const VARIANT_LABEL = "llm-d.ai/variant";

interface Meta {
  readonly name?: string | undefined;
  readonly namespace?: string | undefined;
  readonly labels?: Readonly<Record<string, string>> | undefined;
  readonly annotations?: Readonly<Record<string, string>> | undefined;
}

/** The fields read of a Service. */
export interface RawService {
  readonly metadata?: Meta | undefined;
}

/** The fields read of an EndpointSlice (discovery.k8s.io/v1). */
export interface RawSlice {
  readonly metadata?: Meta | undefined;
  readonly ports?:
    | readonly { readonly name?: string | null; readonly port?: number | null }[]
    | null;
  readonly endpoints?:
    | readonly {
      readonly addresses?: readonly string[] | null;
      readonly conditions?: {
        readonly ready?: boolean | null;
        readonly terminating?: boolean | null;
      } | null;
      readonly targetRef?: { readonly kind?: string; readonly name?: string } | null;
    }[]
    | null;
}

/** The fields read of a pod. */
export interface RawPod {
  readonly metadata?: Meta | undefined;
}

/** A Service that serves a model. */
export interface ServiceInfo {
  readonly namespace: string;
  readonly name: string;
  readonly model: string;
}

/** One endpoint of a slice. */
export interface SliceEndpoint {
  readonly address: string;
  readonly ready: boolean;
  readonly terminating: boolean;
  readonly pod: string | undefined;
}

/** An EndpointSlice, reduced. */
export interface SliceInfo {
  readonly namespace: string;
  readonly service: string;
  /** The serving port (named `http`, else the first), undefined when the slice has none. */
  readonly port: number | undefined;
  readonly endpoints: readonly SliceEndpoint[];
}

/** A pod, reduced to what the URL and the variant need. */
export interface PodInfo {
  readonly namespace: string;
  readonly name: string;
  readonly endpoint: string | undefined;
  readonly variant: string | undefined;
}

/** A Service with the model annotation; undefined otherwise. */
export function projectService(raw: RawService): ServiceInfo | undefined {
  const m = raw.metadata;
  const model = m?.annotations?.[SERVICE_MODEL_ANNOTATION]?.trim();
  if (!m?.name || !model) return undefined;
  return { namespace: m.namespace ?? "", name: m.name, model };
}

/** A slice of a named Service; undefined without the service-name label. */
export function projectSlice(raw: RawSlice, portName = "http"): SliceInfo | undefined {
  const m = raw.metadata;
  const service = m?.labels?.[SERVICE_NAME_LABEL];
  if (!service) return undefined;
  const ports = (raw.ports ?? []).filter((p) => typeof p.port === "number");
  const port = (ports.find((p) => p.name === portName) ?? ports[0])?.port ?? undefined;
  const endpoints: SliceEndpoint[] = [];
  for (const e of raw.endpoints ?? []) {
    const address = e.addresses?.[0];
    if (!address) continue;
    endpoints.push({
      address,
      ready: e.conditions?.ready !== false && e.conditions?.terminating !== true,
      terminating: e.conditions?.terminating === true,
      pod: e.targetRef?.kind === "Pod" || e.targetRef?.kind === undefined
        ? e.targetRef?.name ?? undefined
        : undefined,
    });
  }
  return { namespace: m?.namespace ?? "", service, port, endpoints };
}

/** A pod with the endpoint annotation or a variant label; undefined when it has neither. */
export function projectPod(raw: RawPod): PodInfo | undefined {
  const m = raw.metadata;
  const endpoint = m?.annotations?.[POD_ENDPOINT_ANNOTATION]?.trim() || undefined;
  const variant = m?.labels?.[VARIANT_LABEL] || undefined;
  if (!m?.name || (endpoint === undefined && variant === undefined)) return undefined;
  return { namespace: m.namespace ?? "", name: m.name, endpoint, variant };
}

/** What the gateway reads: models, ready endpoints per model, ids of leaving endpoints. */
export interface EndpointView {
  readonly models: readonly string[];
  readonly ready: ReadonlyMap<string, readonly Endpoint[]>;
  readonly leaving: ReadonlySet<string>;
  /** Every endpoint id in a slice of a served model (ready, not ready or leaving). */
  readonly present: ReadonlySet<string>;
}

function hostPort(address: string, port: number): string {
  return address.includes(":") ? `[${address}]:${port}` : `${address}:${port}`;
}

function urlOf(e: SliceEndpoint, port: number, pod: PodInfo | undefined): string {
  const annotated = pod?.endpoint;
  if (annotated) {
    return /^https?:\/\//.test(annotated) ? annotated.replace(/\/+$/, "") : `http://${annotated}`;
  }
  return `http://${hostPort(e.address, port)}`;
}

/** The view from the three caches (pods keyed `namespace/name`). */
export function endpointView(
  services: readonly ServiceInfo[],
  slices: readonly SliceInfo[],
  pods: ReadonlyMap<string, PodInfo>,
): EndpointView {
  const modelOf = new Map(services.map((s) => [`${s.namespace}/${s.name}`, s.model]));
  const byId = new Map<
    string,
    { model: string; endpoint: Endpoint; ready: boolean; leaving: boolean }
  >();
  for (const slice of slices) {
    const model = modelOf.get(`${slice.namespace}/${slice.service}`);
    if (model === undefined || slice.port === undefined) continue;
    for (const e of slice.endpoints) {
      const id = e.pod ?? hostPort(e.address, slice.port);
      const pod = e.pod ? pods.get(`${slice.namespace}/${e.pod}`) : undefined;
      const prev = byId.get(id);
      const leaving = e.terminating || (prev?.leaving ?? false);
      byId.set(id, {
        model,
        endpoint: {
          id,
          url: urlOf(e, slice.port, pod),
          namespace: slice.namespace,
          ...(pod?.variant ? { variant: pod.variant } : {}),
        },
        ready: !leaving && (e.ready || (prev?.ready ?? false)),
        leaving,
      });
    }
  }
  const ready = new Map<string, Endpoint[]>();
  const leaving = new Set<string>();
  for (const [id, x] of [...byId].sort(([a], [b]) => a.localeCompare(b))) {
    if (x.leaving) leaving.add(id);
    if (x.ready) ready.set(x.model, [...(ready.get(x.model) ?? []), x.endpoint]);
  }
  const models = [...new Set(services.map((s) => s.model))].sort();
  return { models, ready, leaving, present: new Set(byId.keys()) };
}
