/**
 * The servers scripts/bench_emulator.ts measures, each in its own process: `wva emulator`, and
 * optionally an llm-d-inference-sim binary (built from its source; never committed) configured
 * for the same latency model. The sim has no shared step clock; its `time-factor-under-load`
 * makes its inter-token latency linear in the running count, which reproduces
 * `alpha + beta·batch` when `inter-token-latency = alpha + beta` and
 * `time-factor-under-load = (alpha + beta·N) / (alpha + beta)` with `max-num-seqs = N`.
 *
 * @module
 */
import { freePort, waitForHttp } from "../../tests/helpers/ports.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

/** What a scenario asks of a server. */
export interface ServerSpec {
  readonly alphaMs: number;
  readonly betaMs: number;
  /** Most running sequences (the sim's batch size N). */
  readonly maxNumSeqs: number;
  readonly maxWaiting: number;
  readonly maxModelLen: number;
  readonly kvCacheBlocks?: number;
}

/** A running server process. */
export interface Server {
  readonly url: string;
  readonly pid: number;
  stop(): Promise<void>;
}

/** Which implementation: the wva emulator, or the sim binary at a path. */
export type ServerKind = { readonly kind: "wva" } | { readonly kind: "sim"; readonly path: string };

async function started(
  child: Deno.ChildProcess,
  port: number,
  cleanup: () => Promise<void>,
): Promise<Server> {
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}/health`, 30_000);
  return {
    url,
    pid: child.pid,
    async stop() {
      child.kill("SIGTERM");
      await child.status;
      await cleanup();
    },
  };
}

async function spawnWva(spec: ServerSpec): Promise<Server> {
  const port = freePort();
  const file = await Deno.makeTempFile({ suffix: ".json" });
  await Deno.writeTextFile(
    file,
    JSON.stringify({
      port,
      logLevel: "warn",
      model: "wva-bench",
      alphaMs: spec.alphaMs,
      betaMs: spec.betaMs,
      gammaMs: 0,
      deltaMs: 0,
      maxNumSeqs: spec.maxNumSeqs,
      maxWaitingQueue: spec.maxWaiting,
      maxModelLen: spec.maxModelLen,
      ...(spec.kvCacheBlocks ? { kvCacheBlocks: spec.kvCacheBlocks } : {}),
    }),
  );
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "main.ts", "emulator", "--config", file],
    cwd: ROOT,
    stdout: "null",
    stderr: "inherit",
  }).spawn();
  return await started(child, port, () => Deno.remove(file));
}

async function spawnSim(path: string, spec: ServerSpec): Promise<Server> {
  const port = freePort();
  const itl0 = spec.alphaMs + spec.betaMs;
  const factor = Math.max(1, (spec.alphaMs + spec.betaMs * spec.maxNumSeqs) / itl0);
  const child = new Deno.Command(path, {
    args: [
      "--model=wva-bench",
      "--force-dummy-tokenizer",
      `--port=${port}`,
      `--max-num-seqs=${spec.maxNumSeqs}`,
      `--max-waiting-queue-length=${spec.maxWaiting}`,
      `--max-model-len=${spec.maxModelLen}`,
      "--time-to-first-token=0s",
      `--inter-token-latency=${itl0}ms`,
      `--time-factor-under-load=${factor}`,
      "--seed=1",
    ],
    stdout: "null",
    stderr: "null",
  }).spawn();
  return await started(child, port, () => Promise.resolve());
}

/** Starts a server of `kind` for `spec`. */
export function spawnServer(kind: ServerKind, spec: ServerSpec): Promise<Server> {
  return kind.kind === "wva" ? spawnWva(spec) : spawnSim(kind.path, spec);
}
