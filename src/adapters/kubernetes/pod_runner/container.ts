/**
 * What a pod's container spec means for the `wva emulator` process that stands in for it (pure):
 * the emulator's command-line flags translated from the container's `command` + `args` (the
 * `wva emulator …` args of manifests/samples, or vLLM's `vllm serve MODEL --flag …`), the
 * environment from `env`, and the readiness probe and grace period the runner applies.
 *
 * Translation rules:
 * - leading program words (`wva`, `emulator`, `vllm`, `serve`, `python3 -m vllm.…`) are dropped;
 *   the first other leading word is vLLM's positional model;
 * - a flag the emulator knows (its flag table) is kept as `--flag=value` (or `--flag` for a
 *   switch); vLLM's `--served-model-name` and `--num-gpu-blocks-override` become `--model` and
 *   `--kv-cache-blocks`; the model is `--served-model-name`, else `--model`, else the positional;
 * - `--host` and `--port` are the runner's (`127.0.0.1` and the port it picked); `--config` names
 *   a file inside the image and `--help` would exit, so both are ignored;
 * - anything else (vLLM's `--tensor-parallel-size 2`, `--gpu-memory-utilization=0.9`, short
 *   flags, stray words) is returned in `ignored` for a log line, never fatal. An unknown `--flag`
 *   followed by a word that is not a flag takes that word as its value.
 *
 * @module
 */
import type { FlagRow } from "../../../runtime/config/table.ts";

/** An environment variable of a container spec (the parts the runner reads). */
export interface EnvVarLike {
  readonly name: string;
  readonly value?: string | undefined;
  readonly valueFrom?:
    | { readonly fieldRef?: { readonly fieldPath?: string } | undefined }
    | undefined;
}

/** The HTTP readiness probe of a container spec (the parts the runner reads). */
export interface ProbeLike {
  readonly httpGet?: { readonly path?: string | undefined } | undefined;
  readonly initialDelaySeconds?: number | undefined;
  readonly periodSeconds?: number | undefined;
  readonly timeoutSeconds?: number | undefined;
  readonly failureThreshold?: number | undefined;
}

/** A container spec (the parts the runner reads; `V1Container` fits). */
export interface ContainerLike {
  readonly name: string;
  readonly image?: string | undefined;
  readonly command?: readonly string[] | undefined;
  readonly args?: readonly string[] | undefined;
  readonly env?: readonly EnvVarLike[] | undefined;
  readonly readinessProbe?: ProbeLike | undefined;
}

/** The emulator flags for one container, and what was left out. */
export interface EmulatorArgs {
  /** Flags after `wva emulator`, ending with `--host=127.0.0.1 --port=PORT`. */
  readonly argv: readonly string[];
  /** Container args that mean nothing to the emulator (logged, then dropped). */
  readonly ignored: readonly string[];
}

const PROGRAM_WORDS = new Set(["wva", "emulator", "vllm", "serve", "python", "python3"]);
const VLLM_ALIASES: Readonly<Record<string, string>> = {
  "served-model-name": "model",
  "num-gpu-blocks-override": "kv-cache-blocks",
};
const RUNNER_OWNED = new Set(["host", "port"]);
/** Emulator flags that make no sense for a pod: a file inside the image, the help text. */
const NOT_PASSED = new Set(["config", "help"]);

/** Model candidates in priority order: `--served-model-name`, `--model`, vLLM's positional. */
interface Models {
  served?: string;
  flag?: string;
  positional?: string;
}

/**
 * Translates a container's `command` + `args` into `wva emulator` flags on `127.0.0.1:port`.
 *
 * @example
 * ```ts
 * import { emulatorArgs } from "./container.ts";
 * const flags = [{ flag: "model", description: "" }, { flag: "port", description: "" }];
 * const r = emulatorArgs({ name: "vllm", args: ["vllm", "serve", "org/m", "--tensor-parallel-size", "2"] }, flags, 40123);
 * // r.argv: ["--model=org/m", "--host=127.0.0.1", "--port=40123"]; r.ignored: ["--tensor-parallel-size 2"]
 * ```
 */
export function emulatorArgs(
  container: ContainerLike,
  flags: readonly FlagRow[],
  port: number,
): EmulatorArgs {
  const tokens = [...(container.command ?? []), ...(container.args ?? [])];
  const kinds = new Map(flags.map((f) => [f.flag, f.kind ?? "value"]));
  const models: Models = {};
  const ignored: string[] = [];
  const start = leadingWords(tokens, models, ignored);
  const argv = translateFlags(tokens.slice(start), kinds, models, ignored);
  const model = models.served ?? models.flag ?? models.positional;
  if (model !== undefined) argv.push(`--model=${model}`);
  argv.push("--host=127.0.0.1", `--port=${port}`);
  return { argv, ignored };
}

/** Skips program words and takes vLLM's positional model; returns the index of the first flag. */
function leadingWords(tokens: readonly string[], models: Models, ignored: string[]): number {
  let i = 0;
  while (i < tokens.length) {
    const t = tokens[i]!;
    if (t === "-m") { // python3 -m vllm.entrypoints.openai.api_server
      i += 2;
      continue;
    }
    if (t.startsWith("-")) break;
    const base = t.slice(t.lastIndexOf("/") + 1);
    if (PROGRAM_WORDS.has(base) || base.startsWith("vllm.")) i++;
    else if (models.positional === undefined) models.positional = tokens[i++]!;
    else ignored.push(tokens[i++]!);
  }
  return i;
}

function translateFlags(
  tokens: readonly string[],
  kinds: ReadonlyMap<string, string>,
  models: Models,
  ignored: string[],
): string[] {
  const out: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const raw = tokens[i]!;
    if (!raw.startsWith("--") || raw === "--") {
      ignored.push(raw);
      continue;
    }
    const eq = raw.indexOf("=");
    const given = eq < 0 ? raw.slice(2) : raw.slice(2, eq);
    const name = VLLM_ALIASES[given] ?? given;
    const kind = RUNNER_OWNED.has(name)
      ? "value"
      : NOT_PASSED.has(name)
      ? undefined
      : kinds.get(name);
    let value = eq < 0 ? undefined : raw.slice(eq + 1);
    const next = tokens[i + 1];
    if (value === undefined && kind !== "switch" && next !== undefined && !next.startsWith("--")) {
      value = next;
      i++;
    }
    const text = eq < 0 && value !== undefined ? `${raw} ${value}` : raw;
    if (RUNNER_OWNED.has(name)) continue;
    if (name === "model" && value !== undefined) {
      if (given === "model") models.flag = value;
      else models.served = value;
    } else if (kind === "switch" && (value === undefined || value === "true")) {
      out.push(`--${name}`);
    } else if (kind === "value" && value !== undefined) out.push(`--${name}=${value}`);
    else ignored.push(text);
  }
  return out;
}

/** Values of the `fieldRef` paths the runner can answer for an emulated pod. */
export interface PodFields {
  readonly name: string;
  readonly namespace: string;
  readonly uid: string;
  readonly nodeName: string;
}

/**
 * The process environment of a container: literal `value`s and the `fieldRef`s the runner can
 * answer (pod name, namespace, uid, node name, service account; pod and host IP are
 * `127.0.0.1`). Secret and ConfigMap references cannot be read here: they go to `ignored`.
 */
export function containerEnv(
  container: ContainerLike,
  pod: PodFields,
): { readonly env: Readonly<Record<string, string>>; readonly ignored: readonly string[] } {
  const fields: Readonly<Record<string, string>> = {
    "metadata.name": pod.name,
    "metadata.namespace": pod.namespace,
    "metadata.uid": pod.uid,
    "spec.nodeName": pod.nodeName,
    "status.podIP": "127.0.0.1",
    "status.hostIP": "127.0.0.1",
  };
  const env: Record<string, string> = {};
  const ignored: string[] = [];
  for (const v of container.env ?? []) {
    const path = v.valueFrom?.fieldRef?.fieldPath;
    if (v.valueFrom === undefined) env[v.name] = v.value ?? "";
    else if (path !== undefined && fields[path] !== undefined) env[v.name] = fields[path];
    else ignored.push(v.name);
  }
  return { env, ignored };
}

/** How the runner probes readiness, in ms. */
export interface Readiness {
  /** HTTP path on the emulator: the probe's `httpGet.path`, else `/health/ready`. */
  readonly path: string;
  readonly initialDelayMs: number;
  readonly periodMs: number;
  readonly timeoutMs: number;
  /** Consecutive failures that turn a ready container not ready. */
  readonly failureThreshold: number;
}

/**
 * The readiness probe of a container, with Kubernetes' defaults (period 10 s, timeout 1 s, 3
 * failures) where the probe leaves a field out. A container without an HTTP probe is still
 * probed at `/health/ready` every `defaultPeriodMs`: the emulator's model-loading time
 * (`--startup-delay`) must pass before the pod counts as Ready.
 */
export function readinessOf(container: ContainerLike, defaultPeriodMs: number): Readiness {
  const p = container.readinessProbe;
  if (!p?.httpGet) {
    return {
      path: "/health/ready",
      initialDelayMs: 0,
      periodMs: defaultPeriodMs,
      timeoutMs: 1000,
      failureThreshold: 3,
    };
  }
  return {
    path: p.httpGet.path || "/health/ready",
    initialDelayMs: (p.initialDelaySeconds ?? 0) * 1000,
    periodMs: (p.periodSeconds ?? 10) * 1000,
    timeoutMs: (p.timeoutSeconds ?? 1) * 1000,
    failureThreshold: p.failureThreshold ?? 3,
  };
}
