/**
 * The serving engine's capacity arguments, read from a scale target's containers (pure), as WVA
 * does for saturation V2 (controller.md §3.5): `--max-num-batched-tokens` (B),
 * `--max-num-seqs` (S), `--num-gpu-blocks-override` and `--block-size`, in the `--flag value` and
 * `--flag=value` forms, with underscores or dashes (`--max_num_seqs`), from `command` and `args`
 * (a shell line such as `sh -c "vllm serve m --max-num-seqs 8"` is split on spaces). Missing or
 * unreadable values take vLLM's defaults: B = 8192 (chunked prefill), S = 256.
 *
 * They let V2 derive the compute-bound capacity k2 instead of falling back to k1, and give the KV
 * capacity (blocks × block size, block size 16 when not given) when the servers do not export
 * `vllm:cache_config_info`.
 *
 * ```ts
 * import { engineArgsOf } from "./engine_args.ts";
 * const e = engineArgsOf([{ args: ["--max-num-seqs=8", "--num-gpu-blocks-override", "1000"] }]);
 * e.maxNumSeqs;        // 8
 * e.kvCapacityTokens;  // 16000
 * ```
 *
 * @module
 */
import type { EngineParams } from "../contract/types.ts";

/** vLLM's default `--max-num-batched-tokens` with chunked prefill (V1 engine). */
export const DEFAULT_MAX_NUM_BATCHED_TOKENS = 8192;
/** vLLM's default `--max-num-seqs`. */
export const DEFAULT_MAX_NUM_SEQS = 256;
/** vLLM's default `--block-size` (tokens per KV block). */
export const DEFAULT_BLOCK_SIZE = 16;

/** The part of a container the reader uses (client-node `V1Container` fits). */
export interface ArgsContainerLike {
  readonly command?: readonly string[] | null | undefined;
  readonly args?: readonly string[] | null | undefined;
}

/** The engine parameters and, when the blocks are given, the KV capacity per replica. */
export interface EngineArgs extends EngineParams {
  /** `--num-gpu-blocks-override` × block size (tokens); absent without the override. */
  readonly kvCapacityTokens?: number | undefined;
  /** The flags that were found (for logs and steps). */
  readonly found: readonly string[];
}

const FLAGS = [
  "max-num-batched-tokens",
  "max-num-seqs",
  "num-gpu-blocks-override",
  "block-size",
] as const;
type Flag = typeof FLAGS[number];

/** The command line of a container as tokens (shell lines split on whitespace). */
function tokensOf(c: ArgsContainerLike): string[] {
  return [...(c.command ?? []), ...(c.args ?? [])].flatMap((a) => a.trim().split(/\s+/))
    .filter((t) => t !== "");
}

/** The known flags of a token list, last occurrence winning (as argparse does). */
function readFlags(tokens: readonly string[]): Map<Flag, string> {
  const out = new Map<Flag, string>();
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (!t.startsWith("--")) continue;
    const eq = t.indexOf("=");
    const name = (eq < 0 ? t.slice(2) : t.slice(2, eq)).replaceAll("_", "-") as Flag;
    if (!FLAGS.includes(name)) continue;
    const value = eq >= 0 ? t.slice(eq + 1) : tokens[i + 1];
    if (value !== undefined && !value.startsWith("--")) out.set(name, value);
  }
  return out;
}

function positiveInt(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d+$/.test(text)) return undefined;
  const n = Number(text);
  return n > 0 ? n : undefined;
}

/**
 * The engine arguments of a pod's containers: the first container that names any of the flags
 * (else defaults for all).
 */
export function engineArgsOf(containers: readonly ArgsContainerLike[]): EngineArgs {
  const flags = containers.map((c) => readFlags(tokensOf(c))).find((f) => f.size > 0) ??
    new Map<Flag, string>();
  const blocks = positiveInt(flags.get("num-gpu-blocks-override"));
  const blockSize = positiveInt(flags.get("block-size")) ?? DEFAULT_BLOCK_SIZE;
  return {
    maxNumBatchedTokens: positiveInt(flags.get("max-num-batched-tokens")) ??
      DEFAULT_MAX_NUM_BATCHED_TOKENS,
    maxNumSeqs: positiveInt(flags.get("max-num-seqs")) ?? DEFAULT_MAX_NUM_SEQS,
    ...(blocks !== undefined ? { kvCapacityTokens: blocks * blockSize } : {}),
    found: [...flags.keys()].map((f) => `--${f}`),
  };
}
