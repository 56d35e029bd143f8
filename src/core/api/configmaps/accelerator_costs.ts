/**
 * ConfigMap `wva-accelerator-unit-costs`: one data key per accelerator name (`A100`, `MI300X`,
 * `G2`), each a YAML/JSON entry `{device: <node product label>, cost: <per GPU, e.g. cents/hour>}`.
 *
 * It gives a variant without `spec.variantCost` its cost (unit cost × GPUs per replica), and it
 * maps node product labels (`NVIDIA-A100-PCIE-80GB`) to accelerator names for the accelerator
 * resolution and the GPU inventory.
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
export const ACCELERATOR_COSTS_CONFIGMAP = "wva-accelerator-unit-costs";

/** A cost given as a number or a numeric string (upstream wrote `"40.00"`). */
const cost = z.union([
  z.number().min(0),
  z.string().regex(/^\d+(\.\d+)?$/, "must be a non-negative decimal number"),
]).transform((v) => Number(v));

/** One entry. */
export const AcceleratorUnitCostSchema = z.strictObject({
  /** Node product label value of this accelerator (e.g. `NVIDIA-A100-PCIE-80GB`). */
  device: z.string().min(1),
  /** Cost of one GPU of this type per unit time (e.g. cents/hour). */
  cost,
});

/** One accelerator's unit cost and device. */
export type AcceleratorUnitCost = z.infer<typeof AcceleratorUnitCostSchema>;

/** The parsed ConfigMap. */
export interface AcceleratorCostsConfig {
  /** By accelerator name (the data key). */
  readonly accelerators: Readonly<Record<string, AcceleratorUnitCost>>;
}

/** No accelerators known. */
export const EMPTY_ACCELERATOR_COSTS: AcceleratorCostsConfig = Object.freeze({ accelerators: {} });

/**
 * Parses the ConfigMap's data. Invalid entries keep their last good value; a second accelerator
 * claiming a device already claimed by an earlier key (sorted) is reported and ignored.
 */
export function parseAcceleratorCosts(
  data: ConfigMapData,
  lastGood?: AcceleratorCostsConfig,
): ParseResult<AcceleratorCostsConfig> {
  const { entries, problems } = parseEntries(data, lastGood?.accelerators, {
    parseEntry: (_key, text) => parseEntryText(text, AcceleratorUnitCostSchema),
  });
  const unique = dropDuplicates(entries, {
    identity: (e) => e.device.toLowerCase(),
    problem: (e, first) => ({
      field: "device",
      value: e.device,
      message: `device is already the accelerator '${first}'`,
    }),
  });
  return {
    config: { accelerators: unique.entries },
    problems: [...problems, ...unique.problems],
  };
}

/** The entry of an accelerator name (case-insensitive), if any. */
export function unitCostOf(
  config: AcceleratorCostsConfig,
  accelerator: string,
): (AcceleratorUnitCost & { readonly name: string }) | undefined {
  const want = accelerator.toLowerCase();
  for (const [name, entry] of Object.entries(config.accelerators)) {
    if (name.toLowerCase() === want) return { name, ...entry };
  }
  return undefined;
}

/** The accelerator name whose `device` is this product label value (case-insensitive). */
export function acceleratorForDevice(
  config: AcceleratorCostsConfig,
  device: string,
): string | undefined {
  const want = device.toLowerCase();
  for (const [name, entry] of Object.entries(config.accelerators)) {
    if (entry.device.toLowerCase() === want) return name;
  }
  return undefined;
}
