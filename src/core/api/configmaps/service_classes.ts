/**
 * ConfigMap `wva-service-classes-config`: one data key per service class (`premium.yaml`,
 * `freemium.yaml`), each a YAML entry `{name, priority, data: [{model, slo-tpot, slo-ttft}]}`.
 * Priority 1 is the highest. The SLOs feed the queueing-model analyzer; the priority orders
 * models when the GPU limiter has to share GPUs.
 *
 * @module
 */
import { z } from "zod";
import {
  type ConfigMapData,
  dropDuplicates,
  parseEntries,
  parseEntryText,
  type ParseResult,
} from "./entries.ts";

/** Name of the ConfigMap in the controller's namespace. */
export const SERVICE_CLASSES_CONFIGMAP = "wva-service-classes-config";

/** Priority of a class that does not give one (the lowest). */
export const DEFAULT_CLASS_PRIORITY = 100;

const ms = z.number().positive();

/** SLO targets of one model in a class (ms; tokens/s). */
export const ModelSloEntrySchema = z.strictObject({
  model: z.string().min(1),
  /** Mean time per output token (inter-token latency), ms. */
  "slo-tpot": ms.optional(),
  /** Same as `slo-tpot` (the name `wva plan` files use); give one of the two. */
  "slo-itl": ms.optional(),
  /** Mean time to first token, ms. */
  "slo-ttft": ms.optional(),
  /** Queueing wait target for the Gen1 model, ms (defaults to slo-ttft there). */
  "slo-ttw": ms.optional(),
  /** Token throughput target, tokens/s. */
  "slo-tps": z.number().positive().optional(),
}).refine((e) => e["slo-tpot"] === undefined || e["slo-itl"] === undefined, {
  message: "give slo-tpot or slo-itl, not both",
  path: ["slo-itl"],
});

/** One service class. */
export const ServiceClassSchema = z.strictObject({
  name: z.string().min(1),
  priority: z.int().min(1).default(DEFAULT_CLASS_PRIORITY),
  data: z.array(ModelSloEntrySchema).default([]),
}).superRefine((c, ctx) => {
  const seen = new Set<string>();
  c.data.forEach((e, i) => {
    if (seen.has(e.model)) {
      ctx.addIssue({
        code: "custom",
        path: ["data", i, "model"],
        message: "model listed twice in the class",
      });
    }
    seen.add(e.model);
  });
});

/** A parsed service class. */
export type ServiceClass = z.infer<typeof ServiceClassSchema>;

/** The parsed ConfigMap: classes by data key. */
export interface ServiceClassesConfig {
  readonly classes: Readonly<Record<string, ServiceClass>>;
}

/** No classes. */
export const EMPTY_SERVICE_CLASSES: ServiceClassesConfig = Object.freeze({ classes: {} });

/**
 * Parses the ConfigMap's data. Invalid entries keep their last good value; a class whose name
 * an earlier key (sorted) already uses is reported and ignored.
 */
export function parseServiceClasses(
  data: ConfigMapData,
  lastGood?: ServiceClassesConfig,
): ParseResult<ServiceClassesConfig> {
  const { entries, problems } = parseEntries(data, lastGood?.classes, {
    parseEntry: (_key, text) => parseEntryText(text, ServiceClassSchema),
  });
  const unique = dropDuplicates(entries, {
    identity: (c) => c.name,
    problem: (c, first) => ({
      field: "name",
      value: c.name,
      message: `class name already defined by key '${first}'`,
    }),
  });
  return { config: { classes: unique.entries }, problems: [...problems, ...unique.problems] };
}

/** SLOs in the units of the decision core (`ModelSlo` in src/core/contract/types.ts). */
export interface ResolvedSlo {
  readonly itlMs?: number;
  readonly ttftMs?: number;
  readonly ttwMs?: number;
  readonly tps?: number;
}

/** The class that applies to a model: its name, priority and the model's SLOs (if listed). */
export interface ResolvedServiceClass {
  readonly name: string;
  readonly priority: number;
  readonly slo?: ResolvedSlo | undefined;
}

/**
 * The class of a model. With `serviceClass` (from the VA) that class by name, or undefined when
 * no class has that name (condition UnknownServiceClass); its SLOs are the entry for the model,
 * if listed. Without it, the highest-priority class listing the model (ties: by name), else
 * undefined.
 */
export function serviceClassFor(
  config: ServiceClassesConfig,
  model: { readonly modelId: string; readonly serviceClass?: string | undefined },
): ResolvedServiceClass | undefined {
  const all = Object.values(config.classes);
  if (model.serviceClass !== undefined) {
    const c = all.find((x) => x.name === model.serviceClass);
    return c ? resolve(c, model.modelId) : undefined;
  }
  const listing = all.filter((c) => c.data.some((e) => e.model === model.modelId))
    .sort((a, b) => a.priority - b.priority || a.name.localeCompare(b.name));
  return listing[0] ? resolve(listing[0], model.modelId) : undefined;
}

function resolve(c: ServiceClass, modelId: string): ResolvedServiceClass {
  const e = c.data.find((x) => x.model === modelId);
  if (!e) return { name: c.name, priority: c.priority };
  const itl = e["slo-tpot"] ?? e["slo-itl"];
  const slo: ResolvedSlo = {
    ...(itl !== undefined ? { itlMs: itl } : {}),
    ...(e["slo-ttft"] !== undefined ? { ttftMs: e["slo-ttft"] } : {}),
    ...(e["slo-ttw"] !== undefined ? { ttwMs: e["slo-ttw"] } : {}),
    ...(e["slo-tps"] !== undefined ? { tps: e["slo-tps"] } : {}),
  };
  return { name: c.name, priority: c.priority, slo };
}
