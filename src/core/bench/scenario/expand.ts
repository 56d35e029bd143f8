/**
 * From a parsed scenario to what one run needs: the models with copies expanded (unique model and
 * variant names, each copy its own arrivals), each with its effective load and SLO; and the
 * scenario at one point of a sweep.
 *
 * @module
 */
import type { Slo } from "../../load/slo.ts";
import type { Load } from "../load/load_schema.ts";
import type { Variant } from "./model.ts";
import type { Scenario } from "./scenario.ts";

/** One served model of a run. */
export interface RunModel {
  readonly name: string;
  readonly variants: readonly Variant[];
  readonly load: Load;
  readonly slo: Slo;
}

/** The models of a run, copies expanded (`<name>-<i>`, variants `<variant>-<i>`). */
export function expandModels(scenario: Scenario): RunModel[] {
  const out: RunModel[] = [];
  for (const m of scenario.models) {
    const load = m.load ?? scenario.load!;
    const slo = m.slo ?? scenario.slo;
    if (m.copies === 1) {
      out.push({ name: m.name, variants: m.variants, load, slo });
      continue;
    }
    for (let i = 0; i < m.copies; i++) {
      out.push({
        name: `${m.name}-${i}`,
        variants: m.variants.map((v) => ({ ...v, name: `${v.name}-${i}` })),
        load,
        slo,
      });
    }
  }
  return out;
}

/** The scenario with one sweep parameter set. */
export function atSweepPoint(
  scenario: Scenario,
  parameter: NonNullable<Scenario["sweep"]>["parameter"],
  value: number,
): Scenario {
  switch (parameter) {
    case "loadScale": {
      const scale = (l: Load | undefined) => (l ? { ...l, scale: l.scale * value } : l);
      return {
        ...scenario,
        load: scale(scenario.load),
        models: scenario.models.map((m) => ({ ...m, load: scale(m.load) })),
      };
    }
    case "loadingDelaySec":
      return { ...scenario, cluster: { ...scenario.cluster, loadingDelaySec: value } };
    case "scrapeIntervalSec":
      return { ...scenario, cluster: { ...scenario.cluster, scrapeIntervalSec: value } };
  }
}
