/**
 * Which accelerator a variant runs on, and how many GPUs a replica uses, read from the scale
 * target's pod template (pure). Resolution order (controller.md §1.5): the VA's
 * `spec.accelerator`; the template's `nodeSelector` on a GPU product label of the shared vendor
 * table; the required node-affinity terms, then the preferred ones (first `In` value); the VA
 * label `inference.optimization/acceleratorName`; else `unresolved`.
 *
 * A product label value (`NVIDIA-A100-PCIE-80GB`) becomes an accelerator name through the
 * unit-cost ConfigMap's `device` entries when one matches, else {@linkcode normalizeProduct}.
 *
 * @module
 */
import { GPU_VENDORS } from "../gpu_vendors.ts";

/** Node labels that carry a GPU product name (canonical labels and aliases of every vendor). */
export const PRODUCT_LABELS: readonly string[] = [
  ...new Set(GPU_VENDORS.flatMap((v) => v.productLabels)),
];

/** GPU extended resource names of every vendor. */
export const GPU_RESOURCES: readonly string[] = [...new Set(GPU_VENDORS.map((v) => v.resource))];

/** A node-selector requirement (`matchExpressions` of a node-selector term). */
export interface NodeRequirement {
  readonly key: string;
  readonly operator: string;
  readonly values?: readonly string[] | undefined;
}

/** The parts of a pod template that the resolution reads. */
export interface TemplateInfo {
  readonly nodeSelector?: Readonly<Record<string, string>> | undefined;
  /** Required terms' expressions, in order. */
  readonly requiredTerms?: readonly (readonly NodeRequirement[])[] | undefined;
  /** Preferred terms' expressions, highest weight first. */
  readonly preferredTerms?: readonly (readonly NodeRequirement[])[] | undefined;
  /** Sum over containers of max(request, limit) per GPU resource. */
  readonly gpuRequests?: Readonly<Record<string, number>> | undefined;
}

const VENDOR_WORDS = new Set(["nvidia", "amd", "intel", "habana", "tesla"]);

/**
 * Shortens a product label value to an accelerator name: `NVIDIA-A100-PCIE-80GB` → `A100`,
 * `AMD-MI300X-192G` → `MI300X`, `Intel-Gaudi-2-96GB` → `Gaudi2`, `Tesla-T4` → `T4`.
 */
export function normalizeProduct(product: string): string {
  const tokens = product.split(/[-_\s]+/).filter((t) => t !== "");
  const rest = tokens.filter((t, i) => !(i === 0 && VENDOR_WORDS.has(t.toLowerCase())));
  if (rest.length === 0) return product;
  const [first, second] = rest;
  if (!/\d/.test(first!) && second !== undefined && /^\d+$/.test(second)) return first! + second;
  return rest.find((t) => /\d/.test(t)) ?? first!;
}

function fromTerms(
  terms: readonly (readonly NodeRequirement[])[] | undefined,
): string | undefined {
  for (const term of terms ?? []) {
    for (const r of term) {
      if (r.operator === "In" && PRODUCT_LABELS.includes(r.key) && r.values?.[0]) {
        return r.values[0];
      }
    }
  }
  return undefined;
}

/** Where the accelerator came from. */
export type AcceleratorSource = "spec" | "nodeSelector" | "affinity" | "label" | "unresolved";

/** Options of {@linkcode resolveAccelerator}. */
export interface ResolveAcceleratorInput {
  readonly specAccelerator?: string | undefined;
  readonly template?: TemplateInfo | undefined;
  /** Value of the VA label `inference.optimization/acceleratorName`. */
  readonly labelAccelerator?: string | undefined;
  /** Accelerator name of a product label value (unit-cost ConfigMap), if known. */
  readonly nameOfProduct?: (product: string) => string | undefined;
}

/** Resolves a variant's accelerator name. */
export function resolveAccelerator(
  input: ResolveAcceleratorInput,
): { readonly accelerator: string; readonly source: AcceleratorSource } {
  if (input.specAccelerator) return { accelerator: input.specAccelerator, source: "spec" };
  const name = (p: string) => input.nameOfProduct?.(p) ?? normalizeProduct(p);
  const sel = input.template?.nodeSelector ?? {};
  const key = PRODUCT_LABELS.find((k) => sel[k]);
  if (key) return { accelerator: name(sel[key]!), source: "nodeSelector" };
  const affinity = fromTerms(input.template?.requiredTerms) ??
    fromTerms(input.template?.preferredTerms);
  if (affinity) return { accelerator: name(affinity), source: "affinity" };
  if (input.labelAccelerator) return { accelerator: input.labelAccelerator, source: "label" };
  return { accelerator: "unresolved", source: "unresolved" };
}

/** GPUs one replica requests (sum over GPU resources), or undefined when it requests none. */
export function gpusOfTemplate(template: TemplateInfo | undefined): number | undefined {
  const total = Object.entries(template?.gpuRequests ?? {})
    .filter(([r]) => GPU_RESOURCES.includes(r))
    .reduce((a, [, n]) => a + n, 0);
  return total > 0 ? total : undefined;
}
