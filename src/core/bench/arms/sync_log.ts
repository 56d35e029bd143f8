/**
 * The record of an arm's scaling decisions: one row per HPA sync, KEDA poll or wva cycle (the HPA
 * conditions timeline of baselines.md §7).
 *
 * @module
 */

/** One decision of a scaler about one variant. */
export interface SyncRecord {
  readonly atMs: number;
  readonly variant: string;
  readonly scaler: "hpa" | "keda" | "wva";
  /** Replicas after the decision. */
  readonly replicas: number;
  /** Raw recommendation before normalisation (HPA), when computed. */
  readonly recommendation?: number;
  /** Condition reason or decision note. */
  readonly reason: string;
  /** Metric values or proposals, by name. */
  readonly values?: Readonly<Record<string, number | null>>;
}
