/**
 * Arms as data: what scales the replicas in one run of the benchmark.
 *
 * | type | scaler | parameters |
 * |---|---|---|
 * | `hpa` | the HPA model (src/core/hpa) on Prometheus series, one HPA per variant | `hpa` (an autoscaling/v2 spec), `controller` flags, `queries` for External/Object metric names |
 * | `keda` | the KEDA model (src/core/keda) plus its generated HPA, one ScaledObject per variant | `scaledObject`, `controller` |
 * | `static` | nothing: a fixed count from t = 0 | `replicas`: `peak`, `mean` or a count per variant, `headroom01` |
 * | `wva` | wva's control cycle (or a registered decision function) at the controller's interval | `decide` (an analyzer or a registered name), `intervalSec`, `windowSec`, `warmupSec`, `actuation` direct or through an HPA or KEDA, `settings` |
 *
 * @module
 */
import { z } from "zod";
import { BehaviorSchema, HpaSpecSchema } from "../../hpa/spec.ts";
import { ScaledObjectSchema } from "../../keda/scaled_object.ts";
import { mergeLayers } from "../../util/validate.ts";
import { sampleScaledObject } from "./wva_actuation.ts";

/** kube-controller-manager flags of the HPA controller (seconds). */
export const ControllerSchema = z.strictObject({
  syncPeriodSec: z.number().positive().default(15),
  tolerance: z.number().min(0).default(0.1),
  downscaleStabilizationSec: z.number().min(0).default(300),
  configurableTolerance: z.boolean().default(true),
});

/** Gateway settings an arm may change (e.g. flow control off for a pre-flow-control setup). */
export const GatewayOverrideSchema = z.strictObject({
  flowControl: z.boolean().optional(),
  queueCapacity: z.number().int().min(0).optional(),
  queueTtlSec: z.number().positive().optional(),
}).optional();

const Name = z.string().min(1).regex(
  /^[a-z0-9][-a-z0-9.]*$/,
  "must be lower-case letters, digits, - or .",
);

/** An HPA arm. */
export const HpaArmSchema = z.strictObject({
  name: Name,
  type: z.literal("hpa"),
  label: z.string().optional(),
  gateway: GatewayOverrideSchema,
  hpa: HpaSpecSchema,
  controller: ControllerSchema.prefault({}),
  /** PromQL-like query per External/Object metric name (`sum(<series>)`, `max(<series>)`). */
  queries: z.record(z.string(), z.string()).default({}),
});

/** A KEDA arm. */
export const KedaArmSchema = z.strictObject({
  name: Name,
  type: z.literal("keda"),
  label: z.string().optional(),
  gateway: GatewayOverrideSchema,
  scaledObject: ScaledObjectSchema,
  controller: ControllerSchema.prefault({}),
});

/** A static arm. */
export const StaticArmSchema = z.strictObject({
  name: Name,
  type: z.literal("static"),
  label: z.string().optional(),
  gateway: GatewayOverrideSchema,
  /** `peak`/`mean`: enough replicas of each model's first variant for the peak/mean rate. */
  replicas: z.union([z.enum(["peak", "mean"]), z.record(z.string(), z.number().int().min(0))]),
  /** Extra capacity on the sized count (0.2 = 20 % more). */
  headroom01: z.number().min(0).default(0),
});

/** A wva arm: the decision comes from a function registered under `decide`. */
export const WvaArmSchema = z.strictObject({
  name: Name,
  type: z.literal("wva"),
  label: z.string().optional(),
  gateway: GatewayOverrideSchema,
  /** `saturation-v1`, `saturation-v2`, `queueing-model` (the real cycle) or a registered name. */
  decide: z.string().min(1),
  /** The controller's interval. @default 30 */
  intervalSec: z.number().positive().default(30),
  /** When the first cycle runs (`wva demo`: one interval in). @default a random phase in [0, interval) */
  phaseSec: z.number().min(0).optional(),
  /** Window of the per-pod `max_over_time` and rate queries (`metricsWindowMs`). @default 60 */
  windowSec: z.number().positive().default(60),
  /**
   * Where the cycle reads metrics: `prometheus` (the scrapes, every scrape interval) or `scrape`
   * (the direct-scrape source of `wva demo`: each cycle first scrapes every Ready or draining pod).
   */
  metricsSource: z.enum(["prometheus", "scrape"]).default("prometheus"),
  /** A pod Ready for less than this counts as pending (the controller's `warmupMs`). @default 90 */
  warmupSec: z.number().min(0).default(90),
  actuation: z.discriminatedUnion("mode", [
    z.strictObject({ mode: z.literal("direct") }),
    z.strictObject({
      mode: z.literal("hpa"),
      behavior: BehaviorSchema.optional(),
      controller: ControllerSchema.prefault({}),
    }),
    z.strictObject({
      mode: z.literal("keda"),
      /** Deep-merged over manifests/samples/keda-scaledobject.yaml (min/max from the variant). */
      scaledObject: z.record(z.string(), z.unknown()).default({}).check((ctx) => {
        const r = ScaledObjectSchema.safeParse(
          mergeLayers(sampleScaledObject({ minReplicas: 1, maxReplicas: 10 }), ctx.value),
        );
        for (const issue of r.success ? [] : r.error.issues) ctx.issues.push(issue as never);
      }),
      controller: ControllerSchema.prefault({}),
    }),
  ]).default({ mode: "direct" }),
  /** Settings handed to the decision function (the cycle's: cycle_decider.ts). */
  settings: z.record(z.string(), z.unknown()).default({}),
});

/** One arm after parsing. */
export const ArmSchema = z.discriminatedUnion("type", [
  HpaArmSchema,
  KedaArmSchema,
  StaticArmSchema,
  WvaArmSchema,
]);

/** One arm. */
export type Arm = z.output<typeof ArmSchema>;
/** An HPA arm. */
export type HpaArm = z.output<typeof HpaArmSchema>;
/** A KEDA arm. */
export type KedaArm = z.output<typeof KedaArmSchema>;
/** A static arm. */
export type StaticArm = z.output<typeof StaticArmSchema>;
/** A wva arm. */
export type WvaArm = z.output<typeof WvaArmSchema>;
/** HPA controller flags. */
export type Controller = z.output<typeof ControllerSchema>;
