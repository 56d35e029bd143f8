/**
 * Which serving engine a variant runs, from its scale target's pod template (controller.md
 * §1.5, WVA's `internal/inferenceengine`): **SGLang** when a container's image contains
 * `sglang` or its command or arguments contain `sglang.launch_server`; otherwise **vLLM**. The
 * engine picks the metric family the controller reads (`vllm:` or `sglang:`; queries in
 * src/adapters/prometheus/queries.ts). Pure.
 *
 * @module
 */

/** Serving engines wva reads metrics from. */
export const INFERENCE_ENGINES = ["vllm", "sglang"] as const;

/** A serving engine. */
export type InferenceEngine = typeof INFERENCE_ENGINES[number];

/** The part of a container the detection reads (client-node `V1Container` fits). */
export interface EngineContainerLike {
  readonly image?: string | null | undefined;
  readonly command?: readonly string[] | null | undefined;
  readonly args?: readonly string[] | null | undefined;
}

/** The part of a pod template the detection reads (client-node `V1PodTemplateSpec` fits). */
export interface EngineTemplateLike {
  readonly spec?: { readonly containers?: readonly EngineContainerLike[] | null } | null;
}

/** True when the container runs SGLang (see the module doc). */
export function isSglangContainer(c: EngineContainerLike): boolean {
  if ((c.image ?? "").toLowerCase().includes("sglang")) return true;
  return [...(c.command ?? []), ...(c.args ?? [])].some((a) => a.includes("sglang.launch_server"));
}

/** The engine of a pod template: `sglang` when any container runs SGLang, else `vllm`. */
export function detectEngine(template: EngineTemplateLike | undefined): InferenceEngine {
  return (template?.spec?.containers ?? []).some(isSglangContainer) ? "sglang" : "vllm";
}
