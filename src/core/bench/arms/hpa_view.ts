/**
 * What an HPA (or KEDA's) sees of one variant in the simulated cluster: the Deployment's spec and
 * status replicas, its pods as the pod lister shows them, per-pod metric values through
 * prometheus-adapter (`avg(<series>) by (pod)`: the newest sample in the lookback), and
 * External/Object values through a query over the variant's scope — all at now minus any metric
 * delay.
 *
 * @module
 */
import type { HpaPod } from "../../hpa/replica_calc.ts";
import type { HpaSyncInput, MetricReading } from "../../hpa/hpa.ts";
import { metricName, type MetricSpec } from "../../hpa/spec.ts";
import type { Labels } from "../sim/prom_store.ts";
import { instant } from "../sim/prom_store.ts";
import { evaluate, parseQuery, type Query } from "../sim/query.ts";
import { DRAINING, GONE, PENDING, READY, type VariantRt, type World } from "../sim/types.ts";

/** The label scope of a variant's queries. */
export function scopeOf(v: VariantRt): Labels {
  return { model: v.model.name, variant: v.name };
}

/** Pods of the variant as the HPA's pod lister sees them. */
export function hpaPods(v: VariantRt): HpaPod[] {
  return v.pods.filter((p) => p.state !== GONE).map((p) => ({
    name: p.name,
    phase: p.state === PENDING ? "Pending" : "Running",
    ready: p.state === READY || p.state === DRAINING,
    deleting: p.state === DRAINING,
  }));
}

/** `scale.status.replicas`: pods that are not terminating. */
export function statusReplicas(v: VariantRt): number {
  return v.pods.filter((p) => p.state !== GONE && p.state !== DRAINING).length;
}

const QUERIES = new Map<string, Query>();

/** A parsed query (cached by text). */
export function queryOf(text: string): Query {
  let q = QUERIES.get(text);
  if (!q) QUERIES.set(text, q = parseQuery(text));
  return q;
}

/** Per-pod values of a series for the variant's pods (name as given, or with `vllm:`). */
export function podSamples(
  w: World,
  v: VariantRt,
  name: string,
  atMs: number,
): Map<string, number> {
  const scope = scopeOf(v);
  let series = w.prom.select(name, scope);
  if (series.length === 0 && !name.includes(":")) series = w.prom.select(`vllm:${name}`, scope);
  const out = new Map<string, number>();
  for (const s of series) {
    const x = instant(w.prom, s, atMs);
    if (x !== undefined && s.labels.pod !== undefined) out.set(s.labels.pod, x);
  }
  return out;
}

/** The HPA's view of a variant now; `queries` maps External/Object metric names to queries. */
export function hpaView(
  w: World,
  v: VariantRt,
  read: (metric: MetricSpec, atMs: number) => MetricReading,
): HpaSyncInput {
  const atMs = w.nowMs - w.settings.metricDelayMs;
  return {
    nowMs: w.nowMs,
    specReplicas: v.specReplicas,
    statusReplicas: statusReplicas(v),
    pods: hpaPods(v),
    read: (m) => read(m, atMs),
  };
}

/** Reads a metric the way a plain HPA with prometheus-adapter would. */
export function adapterReader(
  w: World,
  v: VariantRt,
  queries: Readonly<Record<string, string>>,
): (metric: MetricSpec, atMs: number) => MetricReading {
  return (m, atMs) => {
    const name = metricName(m);
    if (m.type === "Pods") return { kind: "pods", samples: podSamples(w, v, name, atMs) };
    const value = evaluate(w.prom, queryOf(queries[name] ?? `sum(${name})`), scopeOf(v), atMs);
    return value === undefined
      ? { kind: "error", message: `no series for ${name}` }
      : { kind: "total", value };
  };
}
