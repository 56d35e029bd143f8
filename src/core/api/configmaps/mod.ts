/**
 * The controller's ConfigMaps (in its own namespace), as zod schemas and pure parsers. Each
 * `parse…(data, lastGood)` takes the ConfigMap's `data` (undefined when the ConfigMap does not
 * exist) and the previous result's config, and returns `{config, problems}`: an invalid entry
 * is reported (key, field, value, message) and keeps its last good value; every other entry
 * applies. The runtime watches the ConfigMaps, calls these on every change, and turns problems
 * into Events and log lines.
 *
 * | ConfigMap | parser | lookup |
 * |---|---|---|
 * | `wva-accelerator-unit-costs` | {@linkcode parseAcceleratorCosts} | `unitCostOf`, `acceleratorForDevice` |
 * | `wva-service-classes-config` | {@linkcode parseServiceClasses} | `serviceClassFor` |
 * | `wva-saturation-scaling-config` | {@linkcode parseSaturationConfigMap} | `saturationConfigFor` |
 * | `wva-model-scale-to-zero-config` | {@linkcode parseScaleToZero} | `scaleToZeroFor` |
 *
 * @module
 */
import { ACCELERATOR_COSTS_CONFIGMAP } from "./accelerator_costs.ts";
import { SATURATION_CONFIGMAP } from "./saturation.ts";
import { SCALE_TO_ZERO_CONFIGMAP } from "./scale_to_zero.ts";
import { SERVICE_CLASSES_CONFIGMAP } from "./service_classes.ts";

export * from "./entries.ts";
export * from "./accelerator_costs.ts";
export * from "./service_classes.ts";
export * from "./saturation.ts";
export * from "./analyzers.ts";
export * from "./scale_to_zero.ts";

/** The ConfigMap names the controller watches in its namespace. */
export const CONFIGMAP_NAMES = Object.freeze({
  acceleratorCosts: ACCELERATOR_COSTS_CONFIGMAP,
  serviceClasses: SERVICE_CLASSES_CONFIGMAP,
  saturation: SATURATION_CONFIGMAP,
  scaleToZero: SCALE_TO_ZERO_CONFIGMAP,
});
