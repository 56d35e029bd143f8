/**
 * The demo's configuration: one zod schema (the single source of truth for the YAML file, the
 * flags and the defaults). Defaults reproduce the seeds' setting on a small scale: an A100
 * variant with the seeds' latency (alpha 20.58 ms, beta 0.41 ms, cost 40, max batch 4) and a
 * faster, dearer H100 variant (illustrative preset, cost 80), on a GPU inventory of two nodes
 * with 2 GPUs each, as in the seeds' Kind cluster.
 *
 * Validation covers what would otherwise fail late: unique variant names, min ≤ initial ≤ max,
 * every variant's accelerator in the inventory, initial replicas fitting in it, and each
 * variant's emulator settings (checked by the emulator's own schema, errors under
 * `variants[i].emulator`).
 *
 * @module
 */
import { z } from "zod";
import { EmulatorConfigSchema } from "../../../emulator/mod.ts";
import { SaturationOverrideSchema } from "../../core/analyze/saturation_config.ts";
import { durationMsSchema, UNIT_DURATION } from "../../core/util/coerce.ts";
import { LengthDistSchema } from "../../core/load/lengths.ts";
import { SloSchema } from "../../core/load/slo.ts";
import { ANALYZER_NAMES } from "../../core/contract/types.ts";

const durationMs = (min = 0) =>
  durationMsSchema({ syntax: UNIT_DURATION, examples: "500ms, 5s or 1m", min });
const count = z.number().int().min(0);

/** One variant of the demo's model. */
export const DemoVariantSchema = z.strictObject({
  /** Lower-case DNS-style name, used in replica ids (`a100-3`). */
  name: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, "use lower-case letters, digits, -"),
  accelerator: z.string().min(1),
  /** Cost of one replica per hour (the seeds' unit: cents/hour). */
  cost: z.number().nonnegative(),
  gpusPerReplica: count.default(1),
  minReplicas: count.default(0),
  maxReplicas: z.number().int().min(1).default(8),
  initialReplicas: count.default(0),
  /** Emulator settings (preset, alphaMs, betaMs, maxNumSeqs, kvCacheBlocks, …). */
  emulator: z.record(z.string(), z.unknown()).default({}),
});

/** A variant as written. */
export type DemoVariantInput = z.input<typeof DemoVariantSchema>;

/** One node of the GPU inventory. */
export const InventoryNodeSchema = z.strictObject({
  node: z.string().min(1),
  accelerator: z.string().min(1),
  gpus: count,
});

const EMULATOR_DEFAULTS = { maxNumSeqs: 16, kvCacheBlocks: 160, maxModelLen: 1024 } as const;

/** The default variants (see the module doc). */
export const DEFAULT_VARIANTS: readonly DemoVariantInput[] = [
  {
    name: "a100",
    accelerator: "A100",
    cost: 40,
    minReplicas: 1,
    maxReplicas: 4,
    initialReplicas: 1,
    emulator: { preset: "A100", alphaMs: 20.58, betaMs: 0.41, ...EMULATOR_DEFAULTS },
  },
  {
    name: "h100",
    accelerator: "H100",
    cost: 80,
    minReplicas: 0,
    maxReplicas: 4,
    initialReplicas: 0,
    emulator: { preset: "H100", ...EMULATOR_DEFAULTS },
  },
];

/** The default inventory: two nodes with 2 GPUs each. */
export const DEFAULT_INVENTORY: readonly z.input<typeof InventoryNodeSchema>[] = [
  { node: "demo-node-a100", accelerator: "A100", gpus: 2 },
  { node: "demo-node-h100", accelerator: "H100", gpus: 2 },
];

/** Everything `wva demo` runs with. */
export const DemoConfigSchema = z.strictObject({
  model: z.string().min(1).default("meta-llama/Llama-3.1-8B-Instruct"),
  namespace: z.string().min(1).default("demo"),
  variants: z.array(DemoVariantSchema).min(1).prefault(() => [...DEFAULT_VARIANTS]),
  inventory: z.array(InventoryNodeSchema).prefault(() => [...DEFAULT_INVENTORY]),
  /** Model-loading time of a new replica (not ready, not routable, holding its GPU). */
  loadingDelayMs: durationMs().default(4000),
  controller: z.strictObject({
    analyzer: z.enum(ANALYZER_NAMES).default("saturation-v2"),
    intervalMs: durationMs(200).default(4000),
    /** Window of the scraped gauges (max) and rates; default = the interval. */
    metricsWindowMs: durationMs(200).optional(),
    /** Cap scale-ups by the GPU inventory (demand spills to the next-cheapest variant). */
    limiter: z.boolean().default(true),
    saturation: SaturationOverrideSchema.default({}),
  }).prefault({}),
  load: z.strictObject({
    /** A profile name (`quick`, `standard`) or a stage list such as `30s@2rps,60s@2..14rps`. */
    schedule: z.string().min(1).default("standard"),
    promptTokens: LengthDistSchema.default({ kind: "uniform", min: 96, max: 160 }),
    outputTokens: LengthDistSchema.default({ kind: "uniform", min: 48, max: 80 }),
    slo: SloSchema.default({ ttftMs: 500, itlMs: 50 }),
    seed: z.number().int().default(1),
    /** After the schedule, how long in-flight requests may finish. */
    drainMs: durationMs().default(15_000),
  }).prefault({}),
}).superRefine((c, ctx) => {
  const gpus = new Map<string, number>();
  for (const n of c.inventory) gpus.set(n.accelerator, (gpus.get(n.accelerator) ?? 0) + n.gpus);
  const initial = new Map<string, number>();
  const seen = new Set<string>();
  c.variants.forEach((v, i) => {
    const at = (...p: (string | number)[]) => ["variants", i, ...p];
    if (seen.has(v.name)) ctx.addIssue({ code: "custom", path: at("name"), message: "duplicate" });
    seen.add(v.name);
    if (v.minReplicas > v.maxReplicas) {
      ctx.addIssue({ code: "custom", path: at("minReplicas"), message: "exceeds maxReplicas" });
    }
    if (v.initialReplicas < v.minReplicas || v.initialReplicas > v.maxReplicas) {
      ctx.addIssue({
        code: "custom",
        path: at("initialReplicas"),
        message: `must be within [minReplicas, maxReplicas] = [${v.minReplicas}, ${v.maxReplicas}]`,
      });
    }
    if (c.inventory.length > 0 && !gpus.has(v.accelerator)) {
      ctx.addIssue({
        code: "custom",
        path: at("accelerator"),
        message: `not in the inventory (${[...gpus.keys()].join(", ")})`,
      });
    }
    const need = v.initialReplicas * v.gpusPerReplica;
    initial.set(v.accelerator, (initial.get(v.accelerator) ?? 0) + need);
    const emu = EmulatorConfigSchema.safeParse({ ...v.emulator, model: c.model });
    if (!emu.success) {
      for (const issue of emu.error.issues) {
        ctx.addIssue({
          code: "custom",
          path: at("emulator", ...(issue.path as (string | number)[])),
          message: issue.message,
        });
      }
    }
  });
  for (const [acc, need] of initial) {
    const have = gpus.get(acc);
    if (have !== undefined && need > have) {
      ctx.addIssue({
        code: "custom",
        path: ["inventory"],
        message: `initial replicas need ${need} ${acc} GPUs, the inventory has ${have}`,
      });
    }
  }
});

/** The validated configuration. */
export type DemoConfig = z.infer<typeof DemoConfigSchema>;

/** The configuration as written (every field optional). */
export type DemoConfigInput = z.input<typeof DemoConfigSchema>;

/** GPUs per accelerator from the inventory nodes. */
export function gpusByAccelerator(
  nodes: readonly z.infer<typeof InventoryNodeSchema>[],
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const n of nodes) out[n.accelerator] = (out[n.accelerator] ?? 0) + n.gpus;
  return out;
}
