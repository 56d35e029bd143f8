/**
 * The HPA's proposal for one metric (kube-controller-manager `replica_calculator.go`, as
 * condensed in baselines.md §2.2–2.3), in the controller's integer milli-units.
 *
 * - Pods AverageValue: pods are grouped into ready, unready (Pending), missing (no sample) and
 *   ignored (deleting or Failed). Without missing pods (and unless scaling up with unready pods)
 *   the proposal is ceil(ratio × ready pods). Otherwise missing pods count as exactly at target
 *   on a scale-down and as 0 on a scale-up, unready pods as 0 on a scale-up, the ratio is
 *   recomputed, and the current count is kept when that lands within tolerance or flips the
 *   direction.
 * - Object/External Value: ratio = total / target; with spec replicas > 0 the proposal is
 *   ceil(ratio × Running-and-Ready pods) outside tolerance; from 0 it is ceil(ratio).
 * - Object/External AverageValue: ratio = total / (target × status replicas); outside tolerance
 *   the proposal is ceil(total / target). Pod readiness plays no part.
 *
 * @module
 */

/** Tolerance per direction: nothing happens while 1 − down ≤ ratio ≤ 1 + up. */
export interface Tolerances {
  readonly up: number;
  readonly down: number;
}

/** `Tolerances.isWithin`. */
export function isWithin(t: Tolerances, ratio: number): boolean {
  return 1 - t.down <= ratio && ratio <= 1 + t.up;
}

/** A pod as the HPA's pod lister sees it. */
export interface HpaPod {
  readonly name: string;
  /** Pending: not scheduled or not started; Running: container up (maybe not Ready). */
  readonly phase: "Pending" | "Running" | "Failed";
  /** The Ready condition. */
  readonly ready: boolean;
  /** `deletionTimestamp` is set (terminating). */
  readonly deleting: boolean;
}

/** One metric's proposal, or why there is none. */
export type Proposal =
  | { readonly replicas: number; readonly usageMilli: number }
  | { readonly error: string };

interface Groups {
  readyCount: number;
  readonly unready: string[];
  readonly missing: string[];
  /** Values of the ready pods (the only ones that count at first). */
  readonly values: Map<string, number>;
}

/** `groupPods` for a non-CPU metric: Ready is never checked for a pod that has a sample. */
function groupPods(pods: readonly HpaPod[], samples: ReadonlyMap<string, number>): Groups {
  const g: Groups = { readyCount: 0, unready: [], missing: [], values: new Map() };
  for (const pod of pods) {
    if (pod.deleting || pod.phase === "Failed") continue;
    if (pod.phase === "Pending") {
      g.unready.push(pod.name);
      continue;
    }
    const v = samples.get(pod.name);
    if (v === undefined) {
      g.missing.push(pod.name);
      continue;
    }
    g.values.set(pod.name, v);
    g.readyCount++;
  }
  return g;
}

/** `GetMetricUsageRatio`: integer mean in milli-units over the target. */
function usageRatio(values: ReadonlyMap<string, number>, targetMilli: number) {
  let total = 0;
  for (const v of values.values()) total += v;
  const usage = Math.trunc(total / values.size);
  return { ratio: usage / targetMilli, usage };
}

/** Inputs of {@linkcode podsMetricReplicas}. */
export interface PodsMetricInput {
  readonly specReplicas: number;
  readonly targetMilli: number;
  readonly tolerances: Tolerances;
  readonly pods: readonly HpaPod[];
  /** Per-pod values in milli-units; a pod without a value is missing. */
  readonly samplesMilli: ReadonlyMap<string, number>;
}

/** Proposal of a Pods AverageValue metric (`calcPlainMetricReplicas`). */
export function podsMetricReplicas(input: PodsMetricInput): Proposal {
  const { specReplicas, targetMilli, tolerances } = input;
  if (input.pods.length === 0) return { error: "no pods returned by selector" };
  const g = groupPods(input.pods, input.samplesMilli);
  if (g.values.size === 0) return { error: "did not receive metrics for targeted pods" };
  const { ratio, usage } = usageRatio(g.values, targetMilli);
  const scaleUpWithUnready = g.unready.length > 0 && ratio > 1;
  if (!scaleUpWithUnready && g.missing.length === 0) {
    if (isWithin(tolerances, ratio)) return { replicas: specReplicas, usageMilli: usage };
    return { replicas: Math.ceil(ratio * g.readyCount), usageMilli: usage };
  }
  const filled = new Map(g.values);
  for (const name of g.missing) filled.set(name, ratio < 1 ? targetMilli : 0);
  if (scaleUpWithUnready) { for (const name of g.unready) filled.set(name, 0); }
  const next = usageRatio(filled, targetMilli).ratio;
  const flipped = (ratio < 1 && next > 1) || (ratio > 1 && next < 1);
  if (isWithin(tolerances, next) || flipped) return { replicas: specReplicas, usageMilli: usage };
  const proposed = Math.ceil(next * filled.size);
  if ((next < 1 && proposed > specReplicas) || (next > 1 && proposed < specReplicas)) {
    return { replicas: specReplicas, usageMilli: usage };
  }
  return { replicas: proposed, usageMilli: usage };
}

/** Inputs of the Object/External proposals. */
export interface TotalMetricInput {
  /** The metric's total in milli-units (External: the sum over the returned series). */
  readonly totalMilli: number;
  readonly targetMilli: number;
  readonly tolerances: Tolerances;
}

/** Proposal of an Object/External `Value` metric (`getUsageRatioReplicaCount`). */
export function valueMetricReplicas(
  input: TotalMetricInput & {
    readonly specReplicas: number;
    /** Pods that are Running and Ready (terminating ones included); undefined = no pods. */
    readonly readyPods: number | undefined;
  },
): Proposal {
  const ratio = input.totalMilli / input.targetMilli;
  if (input.specReplicas === 0) return { replicas: Math.ceil(ratio), usageMilli: input.totalMilli };
  if (isWithin(input.tolerances, ratio)) {
    return { replicas: input.specReplicas, usageMilli: input.totalMilli };
  }
  if (input.readyPods === undefined) return { error: "no pods returned by selector" };
  return { replicas: Math.ceil(ratio * input.readyPods), usageMilli: input.totalMilli };
}

/** Proposal of an Object/External `AverageValue` metric (`Get…PerPodMetricReplicas`). */
export function averageValueMetricReplicas(
  input: TotalMetricInput & { readonly statusReplicas: number },
): Proposal {
  const { totalMilli, targetMilli, statusReplicas } = input;
  const ratio = totalMilli / (targetMilli * statusReplicas);
  const replicas = isWithin(input.tolerances, ratio)
    ? statusReplicas
    : Math.ceil(totalMilli / targetMilli);
  return { replicas, usageMilli: Math.ceil(totalMilli / statusReplicas) };
}
