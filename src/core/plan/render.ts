/**
 * Rendering a plan: a JSON-able report (also the YAML output) and the table that reads like the
 * seed logs' "Optimization solution" lines. Numbers are float32 values printed as Go prints them.
 *
 * @module
 */
import { stringify as toYaml } from "yaml";
import { formatFloat32 as g, toDecimal32 as d } from "../model/float32.ts";
import type { SystemSolution } from "./solve.ts";
import type { ServiceClassTarget, SystemSpec } from "./system.ts";

/** One server in the report. */
export interface ServerReport {
  readonly name: string;
  readonly class: string;
  readonly model: string;
  /** Arrival rate, requests per minute. */
  readonly rate: number;
  /** Feasible candidate allocations found. */
  readonly candidates: number;
  readonly allocated: boolean;
  readonly accelerator: string | null;
  readonly numReplicas: number;
  readonly maxBatch: number;
  readonly cost: number;
  readonly value: number;
  /** Gen1: per-token service time (ms). */
  readonly servTime?: number;
  /** Gen1: mean queueing wait (ms). */
  readonly waitTime?: number;
  /** Gen2: predicted ITL and TTFT (ms). */
  readonly itl?: number;
  readonly ttft?: number;
  readonly rho: number;
  readonly maxRPM: number;
  readonly saturated: boolean;
  /** Why candidates were rejected (accelerator: reason). */
  readonly reasons?: readonly string[];
}

/** The plan report (`--output json|yaml`). */
export interface PlanReport {
  readonly model: "gen1" | "gen2";
  readonly unlimited: boolean;
  readonly servers: readonly ServerReport[];
  readonly allocationByType: readonly {
    type: string;
    count: number;
    limit: number;
    cost: number;
  }[];
  readonly totalCost: number;
}

/** Builds the report from a solution. */
export function planReport(system: SystemSpec, solution: SystemSolution): PlanReport {
  const gen1 = system.optimizer.model === "gen1";
  const servers = solution.servers.map((s): ServerReport => {
    const a = s.allocation;
    const reasons = s.rejected.map((r) => `${r.accelerator}: ${r.reason}`);
    return {
      name: s.server.name,
      class: s.server.serviceClass,
      model: s.server.model,
      rate: d(s.server.load.arrivalRateRpm),
      candidates: s.candidates,
      allocated: a !== undefined,
      accelerator: a ? a.accelerator : null,
      numReplicas: a?.numReplicas ?? 0,
      maxBatch: a?.maxBatch ?? 0,
      cost: d(a?.cost ?? 0),
      value: d(a?.value ?? 0),
      ...(gen1
        ? { servTime: d(a?.servTimeMs ?? 0), waitTime: d(a?.waitTimeMs ?? 0) }
        : { itl: d(a?.itlMs ?? 0), ttft: d(a?.ttftMs ?? 0) }),
      rho: d(a?.rho ?? 0),
      maxRPM: d(a?.maxRpm ?? 0),
      saturated: s.saturated,
      ...(reasons.length ? { reasons } : {}),
    };
  });
  return {
    model: system.optimizer.model,
    unlimited: system.optimizer.unlimited,
    servers,
    allocationByType: solution.allocationByType.map((t) => ({ ...t, cost: d(t.cost) })),
    totalCost: d(solution.totalCost),
  };
}

function targetOf(system: SystemSpec, cls: string, model: string): ServiceClassTarget | undefined {
  return system.serviceClasses.find((c) => c.name === cls && c.model === model);
}

/** The seed-log style table (one line per server, then AllocationByType and totalCost). */
export function renderTable(system: SystemSpec, solution: SystemSolution): string {
  const gen1 = system.optimizer.model === "gen1";
  const lines = ["Solution:"];
  for (const s of solution.servers) {
    const srv = s.server;
    const head = `s=${srv.name}; c=${srv.serviceClass}; m=${srv.model}`;
    const a = s.allocation;
    if (!a) {
      const why = s.rejected.map((r) => `${r.accelerator}: ${r.reason}`).join("; ");
      lines.push(
        s.candidates === 0
          ? `${head}; no feasible allocation!${why ? ` (${why})` : ""}`
          : `${head}; sol=${s.candidates}, no allocation within capacity!`,
      );
      continue;
    }
    const t = targetOf(system, srv.serviceClass, srv.model);
    const load = srv.load;
    if (gen1) {
      lines.push(
        `${head}; rate=${
          g(load.arrivalRateRpm)
        }; tk=${load.avgLength}; sol=${s.candidates}, sat=${s.saturated}, ` +
          `alloc={acc=${a.accelerator}; num=${a.numReplicas}; maxBatch=${a.maxBatch}; cost=${
            g(a.cost)
          }, val=${g(a.value)}, ` +
          `servTime=${g(a.servTimeMs)}, waitTime=${g(a.waitTimeMs)}, rho=${g(a.rho)}, maxRPM=${
            g(a.maxRpm)
          }}; ` +
          `slo-itl=${g(t?.sloItlMs ?? 0)}, slo-ttw=${g(t?.sloTtwMs ?? 0)}, slo-tps=${
            g(t?.sloTps ?? 0)
          }`,
      );
    } else {
      const ttft = t ? (t.sloTtftMs > 0 ? t.sloTtftMs : t.sloTtwMs) : 0;
      lines.push(
        `${head}; rate=${
          g(load.arrivalRateRpm)
        }; inTk=${load.avgInTokens}; outTk=${load.avgOutTokens}; ` +
          `sol=${s.candidates}, sat=${s.saturated}, alloc={acc=${a.accelerator}; numRep=${a.numReplicas}; ` +
          `maxBatch=${a.maxBatch}; cost=${g(a.cost)}, val=${g(a.value)}, itl=${g(a.itlMs)}, ttft=${
            g(a.ttftMs)
          }, ` +
          `rho=${g(a.rho)}, maxRPM=${g(a.maxRpm)}}; slo-itl=${g(t?.sloItlMs ?? 0)}, slo-ttft=${
            g(ttft)
          }, ` +
          `slo-tps=${g(t?.sloTps ?? 0)}`,
      );
    }
  }
  lines.push("AllocationByType:");
  for (const t of solution.allocationByType) {
    lines.push(`name=${t.type}, count=${t.count}, limit=${t.limit}, cost=${g(t.cost)}`);
  }
  lines.push(`totalCost=${g(solution.totalCost)}`);
  return lines.join("\n") + "\n";
}

/** Renders the report as pretty JSON or YAML. */
export function renderReport(report: PlanReport, format: "json" | "yaml"): string {
  return format === "json" ? JSON.stringify(report, null, 2) + "\n" : toYaml(report);
}
