/**
 * The live configuration from the controller's ConfigMaps: every change is parsed with the API's
 * parsers (an invalid entry keeps its last good value), problems are logged and sent as Warning
 * Events on the ConfigMap, and the next cycle gets settings built from the current values — no
 * restart needed.
 *
 * @module
 */
import {
  type AcceleratorCostsConfig,
  CONFIGMAP_NAMES,
  type ConfigMapData,
  type ConfigProblem,
  DEFAULT_CLASS_PRIORITY,
  DEFAULT_SATURATION_CONFIGMAP,
  EMPTY_ACCELERATOR_COSTS,
  EMPTY_SCALE_TO_ZERO,
  EMPTY_SERVICE_CLASSES,
  parseAcceleratorCosts,
  parseSaturationConfigMap,
  parseScaleToZero,
  parseServiceClasses,
  pipelineFor,
  saturationConfigFor,
  scaleToZeroFor,
  serviceClassFor,
} from "../../core/api/configmaps/mod.ts";
import type { AnalyzerName } from "../../core/contract/types.ts";
import type { CycleSettings } from "../../core/contract/settings.ts";

/** Switches that come from flags rather than ConfigMaps. */
export interface StoreOptions {
  readonly analyzer: AnalyzerName;
  /** GPU limiter on regardless of the saturation ConfigMap's `enableLimiter`. */
  readonly limiter: boolean;
  /** Scale-to-zero when the ConfigMap says nothing. */
  readonly scaleToZero: boolean;
  readonly staleAfterMs: number;
  /** The cycle period (ms): the pipeline's analyzer liveness. */
  readonly intervalMs?: number | undefined;
}

/** Holds the parsed ConfigMaps. */
export interface ConfigStore {
  /** Applies a ConfigMap's new data (undefined = deleted); returns its problems. */
  update(name: string, data: ConfigMapData): readonly ConfigProblem[];
  settings(): CycleSettings;
  /** The parsed unit-cost ConfigMap (names products, prices accelerators). */
  acceleratorCosts(): AcceleratorCostsConfig;
}

/** Creates a store with every ConfigMap absent (defaults). */
export function createConfigStore(options: StoreOptions): ConfigStore {
  let costs = EMPTY_ACCELERATOR_COSTS;
  let classes = EMPTY_SERVICE_CLASSES;
  let saturation = DEFAULT_SATURATION_CONFIGMAP;
  let stz = EMPTY_SCALE_TO_ZERO;
  return {
    update(name, data) {
      switch (name) {
        case CONFIGMAP_NAMES.acceleratorCosts: {
          const r = parseAcceleratorCosts(data, costs);
          costs = r.config;
          return r.problems;
        }
        case CONFIGMAP_NAMES.serviceClasses: {
          const r = parseServiceClasses(data, classes);
          classes = r.config;
          return r.problems;
        }
        case CONFIGMAP_NAMES.saturation: {
          const r = parseSaturationConfigMap(data, saturation);
          saturation = r.config;
          return r.problems;
        }
        case CONFIGMAP_NAMES.scaleToZero: {
          const r = parseScaleToZero(data, stz);
          stz = r.config;
          return r.problems;
        }
        default:
          return [];
      }
    },
    settings() {
      const sat = saturation;
      const scz = stz;
      const cls = classes;
      return {
        analyzer: options.analyzer,
        saturationFor: (model) => saturationConfigFor(sat, model),
        pipelineFor: (model) => pipelineFor(sat, model),
        ...(options.intervalMs !== undefined ? { intervalMs: options.intervalMs } : {}),
        limiter: options.limiter || sat.default.enableLimiter,
        scaleToZeroFor: (model) =>
          scaleToZeroFor(scz, model, { globalEnabled: options.scaleToZero }),
        serviceClassFor: (model) => {
          const c = serviceClassFor(cls, model);
          if (c) return { priority: c.priority, slo: c.slo };
          return {
            priority: DEFAULT_CLASS_PRIORITY,
            unknownClass: model.serviceClass !== undefined,
          };
        },
        staleAfterMs: options.staleAfterMs,
      };
    },
    acceleratorCosts: () => costs,
  };
}
