/**
 * Helpers for the load generator's cross-module tests: a real emulator on loopback, the load
 * generator run in-process through its library API, and a reader for the emulator's metrics.
 *
 * @module
 */
import { type EmulatorHandle, type EmulatorOptions, startEmulator } from "../../emulator/mod.ts";
import {
  type AnalyzedRun,
  analyzeRun,
  type LoadgenInput,
  prepareRun,
  type RunOptions,
  startLoadRun,
} from "../../src/adapters/loadgen/mod.ts";

/** Fast, jitter-free latency model used unless a test overrides it. */
export const FAST_MODEL: EmulatorOptions = {
  alphaMs: 5,
  betaMs: 0.1,
  gammaMs: 5,
  deltaMs: 0.01,
  jitterCv: 0,
  maxNumSeqs: 512,
  startupDelayMs: 0,
};

/** Runs `fn` against a fresh emulator on a free port and always stops it. */
export async function withEmulator<T>(
  options: EmulatorOptions,
  fn: (emu: EmulatorHandle) => Promise<T>,
): Promise<T> {
  const emu = await startEmulator({ port: 0, ...FAST_MODEL, ...options });
  try {
    return await fn(emu);
  } finally {
    await emu.stop();
  }
}

/** Runs the load generator in-process against `baseUrl` (no /v1) and analyses the result. */
export async function runLoad(
  baseUrl: string,
  input: Omit<LoadgenInput, "url">,
): Promise<AnalyzedRun & { options: RunOptions; elapsedMs: number }> {
  const options = await prepareRun({ url: `${baseUrl}/v1`, ...input });
  const t0 = performance.now();
  const result = await startLoadRun(options).done;
  return { ...analyzeRun(options, result), options, elapsedMs: performance.now() - t0 };
}

/** Reads `<name>_sum` and `<name>_count` (summed over label sets) from a /metrics scrape. */
export async function histogramMean(baseUrl: string, name: string): Promise<number> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  const total = (suffix: string): number => {
    let s = 0;
    for (const line of text.split("\n")) {
      if (line.startsWith(`${name}_${suffix}{`) || line.startsWith(`${name}_${suffix} `)) {
        s += Number(line.slice(line.lastIndexOf(" ") + 1));
      }
    }
    return s;
  };
  return total("sum") / total("count");
}

/** Relative difference |a − b| / b. */
export function relErr(a: number, b: number): number {
  return Math.abs(a - b) / Math.abs(b);
}
