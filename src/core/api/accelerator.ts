/**
 * Which accelerator a variant runs on, and how many GPUs a replica uses, when the VA does not
 * say: read from the scale target's pod template with the shared GPU vendor table
 * (src/core/api/gpu_vendors.ts). Pure: the runtime passes the objects it has cached.
 *
 * Accelerator, first match wins:
 * 1. `spec.accelerator`;
 * 2. the pod template's `nodeSelector` on a vendor product label (`nvidia.com/gpu.product`,
 *    `cloud.google.com/gke-accelerator`, `amd.com/gpu.product-name`, `habana.ai/product.name`,
 *    `gpu.intel.com/product`), read in that (vendor table) order, so the result never depends
 *    on the order of the object's keys;
 * 3. required node affinity: the first `In` value on a product label;
 * 4. preferred node affinity: the same, highest weight first;
 * 5. the VA label `inference.optimization/acceleratorName`;
 * 6. otherwise `unresolved` (condition ConfigValid/AcceleratorUnresolved).
 *
 * A product label value (`NVIDIA-A100-PCIE-80GB`) becomes an accelerator name through the
 * accelerator unit-cost ConfigMap (`device` → key), else {@linkcode acceleratorNameForProduct}.
 * The controller names the GPU inventory's nodes with the same function, so a variant and the
 * nodes it runs on get the same name (the GPU limiter budgets by it).
 *
 * GPUs per replica: `spec.gpusPerReplica`, else what one pod of the template requests of the
 * vendor's GPU resource ({@linkcode gpusRequested}), else 1.
 *
 * @module
 */
import { GPU_VENDORS, gpuCount, type VendorKind } from "./gpu_vendors.ts";
import { type AcceleratorCostsConfig, acceleratorForDevice } from "./configmaps/mod.ts";
import { ACCELERATOR_LABEL } from "./v1alpha1.ts";

/** Accelerator name used when nothing resolves (also the metric label value). */
export const UNRESOLVED_ACCELERATOR = "unresolved";

interface MatchExpression {
  readonly key?: string;
  readonly operator?: string;
  readonly values?: readonly string[] | null | undefined;
}
type Term = { readonly matchExpressions?: readonly MatchExpression[] | null } | null | undefined;
type ResourceList = Readonly<Record<string, string | number>> | null | undefined;
interface ContainerLike {
  readonly resources?: { readonly limits?: ResourceList; readonly requests?: ResourceList } | null;
}

/** The part of a pod template the resolution reads (client-node `V1PodTemplateSpec` fits). */
export interface PodTemplateLike {
  readonly spec?: {
    readonly nodeSelector?: Readonly<Record<string, string>> | null;
    readonly affinity?: {
      readonly nodeAffinity?: {
        readonly requiredDuringSchedulingIgnoredDuringExecution?: {
          readonly nodeSelectorTerms?: readonly Term[] | null;
        } | null;
        readonly preferredDuringSchedulingIgnoredDuringExecution?:
          | readonly { readonly weight?: number; readonly preference?: Term }[]
          | null;
      } | null;
    } | null;
    readonly containers?: readonly ContainerLike[] | null;
    readonly initContainers?: readonly ContainerLike[] | null;
  } | null;
}

/** Where the accelerator came from. */
export type AcceleratorSource =
  | "spec"
  | "nodeSelector"
  | "requiredAffinity"
  | "preferredAffinity"
  | "label"
  | "unresolved";

/** Result of {@linkcode resolveAccelerator}. */
export interface AcceleratorResolution {
  /** Accelerator name (e.g. `A100`), or `unresolved`. */
  readonly accelerator: string;
  readonly source: AcceleratorSource;
  /** The product label value it came from, for nodeSelector/affinity sources. */
  readonly product?: string;
  /**
   * The vendor whose product label matched (of two sharing a label, the one whose GPUs the
   * template requests), else the first whose GPU resource the template requests.
   */
  readonly vendor?: VendorKind;
  /** GPUs per replica. */
  readonly gpusPerReplica: number;
  /** `spec`, `resources` (the template's GPU requests/limits) or `default` (1). */
  readonly gpuSource: "spec" | "resources" | "default";
}

/** Inputs of {@linkcode resolveAccelerator}. */
export interface ResolveAcceleratorInput {
  readonly spec: {
    readonly accelerator?: string | undefined;
    readonly gpusPerReplica?: number | undefined;
  };
  /** The VA's labels. */
  readonly labels?: Readonly<Record<string, string>> | undefined;
  /** The scale target's `spec.template`; undefined when the target is unknown. */
  readonly template?: PodTemplateLike | undefined;
  /** Maps product label values to accelerator names. */
  readonly costs?: AcceleratorCostsConfig | undefined;
}

/** Product labels in vendor-table order, each with the vendor kinds that use it. */
const PRODUCT_LABELS: ReadonlyMap<string, readonly VendorKind[]> = GPU_VENDORS.reduce(
  (m, v) => {
    for (const l of v.productLabels) m.set(l, [...(m.get(l) ?? []), v.kind]);
    return m;
  },
  new Map<string, VendorKind[]>(),
);

const VENDOR_WORDS = new Set(["nvidia", "amd", "intel", "habana", "tesla", "geforce", "pro"]);

/**
 * A short, upper-case accelerator name from a product label value, for products the unit-cost
 * ConfigMap does not name: leading vendor words are dropped; a model word followed by a number
 * is joined (`Intel-Gaudi-2-96GB` → `GAUDI2`, `Max_1100` → `MAX1100`), else the first token
 * with a digit is taken (`NVIDIA-A100-PCIE-80GB` → `A100`, `nvidia-tesla-a100` → `A100`,
 * `AMD_Instinct_MI300X_OAM` → `MI300X`, `NVIDIA-RTX-A6000` → `A6000`), else the first token.
 * A value of vendor words only is returned as is.
 */
export function acceleratorNameForProduct(product: string, costs?: AcceleratorCostsConfig): string {
  const known = costs ? acceleratorForDevice(costs, product) : undefined;
  if (known !== undefined) return known;
  const tokens = product.split(/[-_\s]+/).filter((t) => t !== "");
  const rest = tokens.slice(tokens.findIndex((t) => !VENDOR_WORDS.has(t.toLowerCase())));
  const head = rest[0];
  if (head === undefined || tokens.every((t) => VENDOR_WORDS.has(t.toLowerCase()))) {
    return product;
  }
  const next = rest[1];
  const joined = /^[a-z]+$/i.test(head) && next !== undefined && /^\d+$/.test(next)
    ? head + next
    : rest.find((t) => /\d/.test(t)) ?? head;
  return joined.toUpperCase();
}

interface Found {
  readonly product: string;
  /** The vendor kinds whose product label matched (`gpu.intel.com/product` has two). */
  readonly kinds: readonly VendorKind[];
}

function productIn(terms: readonly Term[]): Found | undefined {
  for (const term of terms) {
    for (const e of term?.matchExpressions ?? []) {
      const kinds = e.key === undefined ? undefined : PRODUCT_LABELS.get(e.key);
      const value = e.values?.[0];
      if (kinds && e.operator === "In" && value) return { product: value, kinds };
    }
  }
  return undefined;
}

function fromTemplate(
  t: PodTemplateLike | undefined,
): (Found & { readonly source: AcceleratorSource }) | undefined {
  const spec = t?.spec;
  for (const [key, kinds] of PRODUCT_LABELS) {
    const value = spec?.nodeSelector?.[key];
    if (value) return { product: value, kinds, source: "nodeSelector" };
  }
  const na = spec?.affinity?.nodeAffinity;
  const req = productIn(
    na?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [],
  );
  if (req) return { ...req, source: "requiredAffinity" };
  const preferred = [...(na?.preferredDuringSchedulingIgnoredDuringExecution ?? [])]
    .sort((a, b) => (b.weight ?? 0) - (a.weight ?? 0));
  const pref = productIn(preferred.map((p) => p.preference));
  return pref ? { ...pref, source: "preferredAffinity" } : undefined;
}

/**
 * GPUs one pod of the template requests, per vendor (vendor-table order), as Kubernetes counts
 * a pod's effective request: the sum over regular containers of max(limit, request), or the
 * largest init container's when that is larger. Quantities that are not whole numbers count 0
 * ({@linkcode gpuCount}).
 */
export function gpusRequested(t: PodTemplateLike | undefined): Map<VendorKind, number> {
  const out = new Map<VendorKind, number>();
  const per = (c: ContainerLike, r: string) =>
    Math.max(gpuCount(c.resources?.limits?.[r]), gpuCount(c.resources?.requests?.[r]));
  for (const v of GPU_VENDORS) {
    const regular = (t?.spec?.containers ?? []).reduce((s, c) => s + per(c, v.resource), 0);
    const init = Math.max(0, ...(t?.spec?.initContainers ?? []).map((c) => per(c, v.resource)));
    const n = Math.max(regular, init);
    if (n > 0) out.set(v.kind, n);
  }
  return out;
}

/** Resolves a variant's accelerator name and GPUs per replica (see the module doc). */
export function resolveAccelerator(input: ResolveAcceleratorInput): AcceleratorResolution {
  const found = fromTemplate(input.template);
  const gpus = gpusRequested(input.template);
  const vendor = found
    ? found.kinds.find((k) => gpus.has(k)) ?? found.kinds[0]
    : gpus.keys().next().value;
  let accelerator: string;
  let source: AcceleratorSource;
  if (input.spec.accelerator) [accelerator, source] = [input.spec.accelerator, "spec"];
  else if (found) {
    [accelerator, source] = [acceleratorNameForProduct(found.product, input.costs), found.source];
  } else if (input.labels?.[ACCELERATOR_LABEL]) {
    [accelerator, source] = [input.labels[ACCELERATOR_LABEL], "label"];
  } else [accelerator, source] = [UNRESOLVED_ACCELERATOR, "unresolved"];
  const requested = vendor === undefined ? undefined : gpus.get(vendor);
  const [gpusPerReplica, gpuSource] = input.spec.gpusPerReplica !== undefined
    ? [input.spec.gpusPerReplica, "spec" as const]
    : requested !== undefined
    ? [requested, "resources" as const]
    : [1, "default" as const];
  return {
    accelerator,
    source,
    ...(found && source !== "spec" && source !== "label" ? { product: found.product } : {}),
    ...(vendor !== undefined ? { vendor } : {}),
    gpusPerReplica,
    gpuSource,
  };
}
