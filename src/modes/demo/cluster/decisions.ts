/**
 * wva's decisions as the cluster demo sees them (pure): the controller runs as its own process,
 * and each cycle it logs one `cycle-model` JSON line per model with every variant's current and
 * desired count and the decision steps. A change of a variant's desired count — the value the
 * controller publishes as `wva_desired_replicas` for KEDA — becomes a scale event (with the
 * reason, explained as `wva demo` explains it) and the first hop of the actuation chain.
 *
 * @module
 */
import type { DecisionStep, StepValue } from "../../../core/contract/types.ts";
import { explain, type ScaleEvent } from "../recorder.ts";
import type { HopEvent } from "./hops.ts";

/** One variant of a `cycle-model` line. */
export interface LoggedVariant {
  readonly name: string;
  readonly current: number;
  readonly desired: number;
  readonly reason: string;
}

/** A `cycle-model` line, parsed. */
export interface CycleLine {
  /** Wall-clock ms of the line (`ts`). */
  readonly atMs: number;
  readonly model: string;
  readonly variants: readonly LoggedVariant[];
  readonly steps: readonly DecisionStep[];
  readonly error?: string | undefined;
}

const isNum = (x: unknown): x is number => typeof x === "number" && Number.isFinite(x);

/** The line as a {@linkcode CycleLine}, or undefined when it is another line (or malformed). */
export function parseCycleLine(record: Readonly<Record<string, unknown>>): CycleLine | undefined {
  if (record.msg !== "cycle-model" || !Array.isArray(record.variants)) return undefined;
  const atMs = Date.parse(String(record.ts ?? ""));
  if (!Number.isFinite(atMs)) return undefined;
  const variants: LoggedVariant[] = [];
  for (const v of record.variants as Record<string, unknown>[]) {
    if (typeof v?.name !== "string" || !isNum(v.current) || !isNum(v.desired)) continue;
    variants.push({
      name: v.name,
      current: v.current,
      desired: v.desired,
      reason: String(v.reason ?? ""),
    });
  }
  const steps = (Array.isArray(record.steps) ? record.steps : []).map(
    (s: Record<string, unknown>) => {
      const { rule, message, ...values } = s;
      return {
        rule: String(rule ?? ""),
        message: String(message ?? ""),
        values: values as Record<string, StepValue>,
      };
    },
  );
  return {
    atMs,
    model: String(record.model ?? ""),
    variants,
    steps,
    ...(typeof record.error === "string" ? { error: record.error } : {}),
  };
}

/** What one line changed. */
export interface LineOutcome {
  /** Scale events with wall-clock times (`tMs` set by the caller's origin). */
  readonly events: readonly (Omit<ScaleEvent, "tMs"> & { readonly atMs: number })[];
  readonly hops: readonly HopEvent[];
  /** The demo's "latest word" line. */
  readonly note: string;
}

/** Follows the published desired count per variant across lines. */
export class DesiredTracker {
  readonly #last = new Map<string, number>();

  /** The latest desired count of a variant (undefined before its first line). */
  desired(variant: string): number | undefined {
    return this.#last.get(variant);
  }

  /** Applies a line: a variant whose desired count changed gives an event and a hop. */
  apply(line: CycleLine): LineOutcome {
    const events: LineOutcome["events"][number][] = [];
    const hops: HopEvent[] = [];
    for (const v of line.variants) {
      const from = this.#last.get(v.name) ?? v.current;
      this.#last.set(v.name, v.desired);
      if (v.desired === from) continue;
      const own = line.steps.filter((s) => s.values.variant === v.name);
      events.push({
        atMs: line.atMs,
        variant: v.name,
        from,
        to: v.desired,
        reason: v.reason,
        message: explain({ reason: v.reason, steps: own }, line.steps),
      });
      hops.push({ atMs: line.atMs, variant: v.name, hop: "wva", value: v.desired });
    }
    const note = line.error
      ? `error: ${line.error}`
      : events.length > 0
      ? events.map((e) => `${e.variant} ${e.from} → ${e.to} (${e.reason})`).join(", ")
      : `hold (${line.variants.map((v) => `${v.name} ${v.desired}`).join(", ")})`;
    return { events, hops, note };
  }
}
