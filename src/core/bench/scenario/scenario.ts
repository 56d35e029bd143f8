/**
 * The bench scenario: one YAML/JSON document, one zod schema (the single source of truth), parsed
 * with every problem reported on one line naming the field and the value.
 *
 * ```yaml
 * name: paper
 * seed: 1
 * inventory: { H100: 10 }            # GPUs per accelerator; absent = unlimited
 * cluster: { loadingDelaySec: 60, scrapeIntervalSec: 15 }
 * slo: { ttftMs: 2000, itlMs: 50 }
 * models:
 *   - name: llama-8b
 *     variants: [{ name: h100, preset: H100, costPerHour: 4 }]
 *     load: { jobs: [{ startSec: 0, ratePerSec: 20, durationSec: 600 }] }
 * arms: [hpa-fork, keda-queue, static-peak]
 * faults: { scrapeLoss01: 0.1 }
 * sweep: { parameter: loadingDelaySec, values: [30, 60, 120, 300] }
 * ```
 *
 * @module
 */
import { z } from "zod";
import { SloSchema } from "../../load/slo.ts";
import { parseOrThrow } from "../../util/validate.ts";
import { type Arm, ArmSchema } from "../arms/arm_schema.ts";
import { presetNames, resolveArmEntry } from "../arms/resolve.ts";
import { LoadSchema } from "../load/load_schema.ts";
import { CYCLE_REGISTRY, CycleDeciderSettingsSchema } from "../wva/cycle_decider.ts";
import { ModelSchema } from "./model.ts";

/** The cluster around the replicas: pod start-up, Prometheus, scale-down. */
export const ClusterSchema = z.strictObject({
  /** Model loading: a pod is not Ready and exposes no metrics for this long. */
  loadingDelaySec: z.number().min(0).default(60),
  /**
   * A loaded pod is seen Ready at the next readiness probe: probes every this many seconds, at a
   * random phase per pod (0: Ready as soon as loaded).
   */
  readinessProbeSec: z.number().min(0).default(0),
  /** A pod being removed finishes its requests for at most this long, then is killed. */
  drainGraceSec: z.number().min(0).default(30),
  scrapeIntervalSec: z.number().positive().default(15),
  /**
   * Scrape every target at this offset into each interval, all at once (`wva demo`'s live view).
   * Absent: a random offset per target, as Prometheus spreads its targets.
   */
  scrapeOffsetSec: z.number().min(0).optional(),
  /** Prometheus lookback for instant queries. */
  lookbackSec: z.number().positive().default(300),
  /** Resolution of the replicas/queue timelines in the results. */
  timelineStepSec: z.number().positive().default(5),
});

/** The gateway (EPP): least outstanding requests, and a flow-control queue. */
export const GatewaySchema = z.strictObject({
  /** Hold requests while the pool is saturated (llm-d flow control); else only with no replica. */
  flowControl: z.boolean().default(true),
  /** Requests the gateway queue holds; beyond it: 429. */
  queueCapacity: z.number().int().min(0).default(1000),
  /**
   * A request waiting longer in the gateway queue is shed. Absent: the client's timeout (the
   * gateway holds a request until its client gives up, as vLLM's own queue does without flow
   * control, so "failed" means the same with flow control on or off).
   */
  queueTtlSec: z.number().positive().optional(),
  /** Saturation detector: per pod max(waiting / queueDepth, kv / kvCache); pool = max or mean. */
  saturation: z.strictObject({
    queueDepthThreshold: z.number().positive().default(5),
    kvCacheThreshold: z.number().positive().default(0.8),
    aggregate: z.enum(["max", "mean"]).default("max"),
  }).prefault({}),
});

/** Optional faults. */
export const FaultsSchema = z.strictObject({
  /** Share of pods whose scrapes are all lost (no series in Prometheus). */
  scrapeLoss01: z.number().min(0).max(1).default(0),
  /** Queries see Prometheus as it was this long ago. */
  metricDelaySec: z.number().min(0).default(0),
  /** Share of pods that never become Ready (stuck loading, holding their GPU). */
  neverStart01: z.number().min(0).max(1).default(0),
});

/** Parameters a sweep can vary. */
export const SWEEP_PARAMETERS = ["loadScale", "loadingDelaySec", "scrapeIntervalSec"] as const;

/** Problems of a wva arm's settings when it runs the real cycle (paths under the arm). */
function cycleSettingsIssues(arm: Arm): z.core.$ZodIssue[] {
  if (arm.type !== "wva" || !Object.hasOwn(CYCLE_REGISTRY, arm.decide)) return [];
  const r = CycleDeciderSettingsSchema.safeParse(arm.settings);
  return r.success ? [] : r.error.issues.map((x) => ({ ...x, path: ["settings", ...x.path] }));
}

/** One parameter and the values to run it at. */
export const SweepSchema = z.strictObject({
  parameter: z.enum(SWEEP_PARAMETERS),
  values: z.array(z.number().positive()).min(1),
});

const ArmsSchema = z.array(z.unknown()).min(1).transform((entries, ctx): Arm[] => {
  const known = presetNames();
  const arms: Arm[] = [];
  entries.forEach((entry, i) => {
    const isPresetRef = typeof entry === "string" ||
      (entry !== null && typeof entry === "object" && "preset" in entry);
    const name = typeof entry === "string" ? entry : (entry as { preset?: unknown } | null)?.preset;
    if (isPresetRef && !known.includes(String(name))) {
      ctx.addIssue({
        code: "custom",
        path: [i],
        message: `unknown preset "${name}" (known: ${known.join(", ")})`,
      });
      return;
    }
    const r = ArmSchema.safeParse(resolveArmEntry(entry));
    const issues = r.success ? cycleSettingsIssues(r.data) : r.error.issues;
    for (const issue of issues) ctx.addIssue({ ...issue, path: [i, ...issue.path] } as never);
    if (r.success && issues.length === 0) arms.push(r.data);
  });
  const names = arms.map((a) => a.name);
  names.forEach((n, i) => {
    if (names.indexOf(n) !== i) {
      ctx.addIssue({ code: "custom", path: [i, "name"], message: `arm name "${n}" is used twice` });
    }
  });
  return arms;
});

/** A whole scenario. */
export const ScenarioSchema = z.strictObject({
  name: z.string().min(1).default("scenario"),
  description: z.string().optional(),
  seed: z.number().int().default(1),
  models: z.array(ModelSchema).min(1),
  /** Load of every model that has none of its own. */
  load: LoadSchema.optional(),
  /** SLO of every model that has none of its own. */
  slo: SloSchema.default({}),
  inventory: z.record(z.string(), z.number().int().min(0)).optional(),
  cluster: ClusterSchema.prefault({}),
  gateway: GatewaySchema.prefault({}),
  client: z.strictObject({ timeoutSec: z.number().positive().default(120) }).prefault({}),
  arms: ArmsSchema,
  faults: FaultsSchema.prefault({}),
  sweep: SweepSchema.optional(),
}).check((ctx) => {
  ctx.value.models.forEach((m, i) => {
    if (!m.load && !ctx.value.load) {
      ctx.issues.push({
        code: "custom",
        input: m.name,
        path: ["models", i, "load"],
        message: "no load: give models[].load or a top-level load",
      });
    }
  });
});

/** A parsed scenario. */
export type Scenario = z.output<typeof ScenarioSchema>;

/** A scenario as written. */
export type ScenarioInput = z.input<typeof ScenarioSchema>;

/**
 * Validates a scenario document.
 *
 * @throws {ConfigError} one line per problem: `<source>: <field>: <message> (got <value>)`
 */
export function parseScenario(doc: unknown, source = "scenario"): Scenario {
  return parseOrThrow(ScenarioSchema, doc, source);
}
