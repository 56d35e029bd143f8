/**
 * What the demo remembers while it runs: the timeline (one point per view tick), scale events
 * with their reasons (from each cycle's decision steps), replica lifecycle events, the router's
 * per-request outcomes and recent latencies. Every number in the report and the live view comes
 * from here. Times are ms since the load started (`tMs`).
 *
 * @module
 */
import type { PoolEvent } from "../../adapters/local/status.ts";
import type { CycleReport, VariantOutcome } from "../../core/contract/ports.ts";
import type { DecisionStep } from "../../core/contract/types.ts";
import type { RouteRecord } from "../../adapters/gateway/router.ts";
import { percentile } from "../../core/util/stats.ts";

/** One variant at one timeline point. */
export interface TimelineVariant {
  readonly ready: number;
  readonly desired: number;
  readonly loading: number;
  readonly draining: number;
  readonly unschedulable: number;
  /** GPUs held (loading, ready and draining replicas). */
  readonly gpus: number;
  /** Waiting requests summed over the variant's replicas (latest scrape). */
  readonly queue: number | null;
  /** Mean KV-cache usage over the variant's ready replicas. */
  readonly kvUsage01: number | null;
  /** Cost per hour of the replicas holding GPUs. */
  readonly costPerHour: number;
  /** `--cluster`: the HPA's desired count (null before KEDA made the HPA). */
  readonly hpaDesired?: number | null;
  /** `--cluster`: the Deployment's `spec.replicas`. */
  readonly replicas?: number | null;
}

/** One timeline point. */
export interface TimelinePoint {
  readonly tMs: number;
  readonly targetRatePerSec: number;
  /** Requests sent per second (last 5 s). */
  readonly achievedRatePerSec: number;
  readonly inFlight: number;
  readonly variants: Readonly<Record<string, TimelineVariant>>;
}

/** A change of a variant's desired replicas, decided by the controller. */
export interface ScaleEvent {
  readonly tMs: number;
  readonly variant: string;
  readonly from: number;
  readonly to: number;
  /** Decision reason (`scale-up`, `scale-down`, `limited`, …). */
  readonly reason: string;
  /** Why, from the decision steps. */
  readonly message: string;
}

/** A replica lifecycle event. */
export interface ReplicaEvent {
  readonly tMs: number;
  readonly kind: PoolEvent["kind"];
  readonly variant: string;
  readonly replica?: string | undefined;
  readonly detail?: string | undefined;
}

/** The router's counts. */
export interface RouterCounts {
  requests: number;
  ok: number;
  failed: number;
  cancelled: number;
  failedByScaleDown: number;
  /** Requests moved to another replica (the first one was leaving or unreachable). */
  retried: number;
}

/** The controller's latest word on a model. */
export interface CycleNote {
  readonly tMs: number;
  readonly cycle: number;
  readonly message: string;
}

const SIGNAL_RULES = ["v1.spare", "capacity.totals", "qm.demand"];
const DOWN_RULES = ["v1.scale-down-check", "capacity.totals"];
const RECENT_MS = 10_000;

function find(steps: readonly DecisionStep[], rules: readonly string[]): DecisionStep | undefined {
  return steps.find((s) => rules.includes(s.rule));
}

/** Explains a variant's change from its own steps and the model's signal step. */
export function explain(
  v: Pick<VariantOutcome, "reason" | "steps">,
  modelSteps: readonly DecisionStep[],
): string {
  const own = [...v.steps].reverse().find((s) =>
    s.rule !== "limiter.gpu" || v.reason === "limited"
  );
  let signal = find(modelSteps, v.reason === "scale-down" ? DOWN_RULES : SIGNAL_RULES);
  // Saturation V1 with saturated replicas: their count says more than averages of the others.
  const v1 = find(modelSteps, ["v1.replicas"]);
  if (v.reason !== "scale-down" && v1 && Number(v1.values.saturated) > 0) signal = v1;
  return [signal?.message, own?.message].filter((m) => !!m).join(" — ");
}

/** The recorder (one per demo run). */
export class DemoRecorder {
  readonly timeline: TimelinePoint[] = [];
  readonly events: ScaleEvent[] = [];
  readonly replicaEvents: ReplicaEvent[] = [];
  readonly router: RouterCounts = {
    requests: 0,
    ok: 0,
    failed: 0,
    cancelled: 0,
    failedByScaleDown: 0,
    retried: 0,
  };
  readonly routeFailures: { tMs: number; replica: string | null; error: string }[] = [];
  /** Finished client requests and those within the SLO. */
  readonly clientCounts = { done: 0, good: 0 };
  cycles = 0;
  lastNote: CycleNote | undefined;
  #recent: { atMs: number; variant: string; ttftMs: number | null; itlMs: number | null }[] = [];
  #client: { atMs: number; ttftMs: number | null; itlMs: number | null }[] = [];

  /** `originMs`: wall time of the load start (t = 0). */
  constructor(readonly originMs: number) {}

  /** ms since the origin. */
  t(atMs: number): number {
    return Math.round(atMs - this.originMs);
  }

  poolEvent(e: PoolEvent): ReplicaEvent {
    const ev = {
      tMs: this.t(e.atMs),
      kind: e.kind,
      variant: e.variant,
      replica: e.replica,
      detail: e.detail,
    };
    this.replicaEvents.push(ev);
    return ev;
  }

  /** Records a cycle's outcome; returns the scale events it produced. */
  cycle(report: CycleReport, atMs: number): ScaleEvent[] {
    this.cycles++;
    const out: ScaleEvent[] = [];
    for (const m of report.models) {
      const signal = find(m.steps, SIGNAL_RULES);
      const changed = m.variants.filter((v) => v.desired !== v.current);
      this.lastNote = {
        tMs: this.t(atMs),
        cycle: this.cycles,
        message: m.error
          ? `error: ${m.error}`
          : changed.length > 0
          ? changed.map((v) => `${v.name} ${v.current} → ${v.desired} (${v.reason})`).join(", ")
          : `hold${signal ? `: ${signal.message}` : ""}`,
      };
    }
    // Within a cycle: scale-ups cheapest first, then scale-downs dearest first (the order the
    // optimizer chooses them in).
    const changed = report.variants.filter((v) =>
      v.desiredReplicas !== undefined && v.desiredReplicas !== v.currentReplicas
    ).sort((a, b) => {
      const up = (v: VariantOutcome) => v.desiredReplicas! > v.currentReplicas;
      if (up(a) !== up(b)) return up(a) ? -1 : 1;
      return (up(a) ? 1 : -1) * (a.costPerReplica - b.costPerReplica) ||
        a.name.localeCompare(b.name);
    });
    for (const v of changed) {
      const model = report.models.find((m) =>
        m.modelId === v.modelId && m.namespace === v.namespace
      );
      const ev: ScaleEvent = {
        tMs: this.t(atMs),
        variant: v.name,
        from: v.currentReplicas,
        to: v.desiredReplicas!,
        reason: v.reason,
        message: explain(v, model?.steps ?? []),
      };
      this.events.push(ev);
      out.push(ev);
    }
    return out;
  }

  /**
   * Records decisions made elsewhere (the controller process of `wva demo --cluster`): scale
   * events and the latest word on the model.
   */
  decided(events: readonly ScaleEvent[], atMs: number, message: string): void {
    this.cycles++;
    this.events.push(...events);
    this.lastNote = { tMs: this.t(atMs), cycle: this.cycles, message };
  }

  /** Records one request as the router saw it. */
  route(r: RouteRecord, atMs: number): void {
    const c = this.router;
    c.requests++;
    if (r.retries > 0) c.retried++;
    if (r.outcome === "ok") c.ok++;
    else if (r.outcome === "cancelled") c.cancelled++;
    else {
      c.failed++;
      if (r.failedByScaleDown) c.failedByScaleDown++;
      if (this.routeFailures.length < 200) {
        this.routeFailures.push({ tMs: this.t(atMs), replica: r.replicaId, error: r.error ?? "" });
      }
    }
    if (r.outcome === "ok" && r.variant !== null) {
      this.#recent.push({ atMs, variant: r.variant, ttftMs: r.ttftMs, itlMs: r.itlMs });
    }
    this.#trim(atMs);
  }

  /** Records one finished request as the client saw it (`itlMs`: the request's mean gap). */
  client(
    r: { ok: boolean; good: boolean; ttftMs: number | null; itlMs: number | null },
    atMs: number,
  ): void {
    this.clientCounts.done++;
    if (r.good) this.clientCounts.good++;
    if (r.ok) this.#client.push({ atMs, ttftMs: r.ttftMs, itlMs: r.itlMs });
    this.#trim(atMs);
  }

  #trim(atMs: number): void {
    const cut = atMs - RECENT_MS;
    if ((this.#recent[0]?.atMs ?? Infinity) < cut) {
      this.#recent = this.#recent.filter((x) => x.atMs >= cut);
    }
    if ((this.#client[0]?.atMs ?? Infinity) < cut) {
      this.#client = this.#client.filter((x) => x.atMs >= cut);
    }
  }

  /** p50 TTFT and ITL over the last 10 s: per variant (router) or for the client (`null`). */
  recentP50(
    variant: string | null,
    atMs: number,
  ): { ttftMs: number; itlMs: number; count: number } {
    this.#trim(atMs);
    const list = variant === null
      ? this.#client
      : this.#recent.filter((x) => x.variant === variant);
    const ttft = list.map((x) => x.ttftMs).filter((x): x is number => x !== null);
    const itl = list.map((x) => x.itlMs).filter((x): x is number => x !== null);
    return { ttftMs: percentile(ttft, 50), itlMs: percentile(itl, 50), count: list.length };
  }

  sample(point: TimelinePoint): void {
    this.timeline.push(point);
  }
}
