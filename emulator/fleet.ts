/**
 * Several emulated replicas in one process (`wva emulator --replicas N`), for a laptop fleet:
 * replica i listens on `port + i` (on a free port each when `port` is 0) with its own engine,
 * metrics, `engine` label and seed. They are drained and stopped together.
 *
 * | setting | replica i |
 * |---|---|
 * | port | `port + i` (0 stays 0: any free port) |
 * | `engine` label | `engineLabel + i` when `engineLabel` is a whole number (default 0 → 0, 1, 2…), else `engineLabel-i` |
 * | seed | `seed + i` (output lengths, jitter and failures differ between replicas) |
 * | everything else | the same configuration |
 *
 * @module
 */
import type { EmulatorConfig, EmulatorOptions } from "./config.ts";
import { resolveEmulatorConfig } from "./config.ts";
import { type EmulatorHandle, type EmulatorRuntime, startEmulator } from "./serve.ts";

/** Replicas started together. */
export interface EmulatorFleet {
  /** The replicas, in port order. */
  readonly replicas: readonly EmulatorHandle[];
  /** Drains every replica at once (each waits up to its drain timeout), then closes them. */
  drain(): Promise<void>;
  /** Closes every replica now. */
  stop(): Promise<void>;
  /** Resolves when every replica has closed. */
  readonly finished: Promise<void>;
}

/** The configuration of replica `index` of a fleet configured by `config` (see the module doc). */
export function replicaConfig(config: EmulatorConfig, index: number): EmulatorConfig {
  const label = /^\d+$/.test(config.engineLabel)
    ? String(Number(config.engineLabel) + index)
    : `${config.engineLabel}-${index}`;
  return Object.freeze({
    ...config,
    port: config.port === 0 ? 0 : config.port + index,
    engineLabel: label,
    seed: config.seed + index,
    replicas: 1,
  });
}

/**
 * Starts `options.replicas` emulators (see the module doc). When one cannot start (its port is
 * taken), the ones already started are stopped and the error is thrown.
 *
 * @throws {ConfigError} when options are invalid; the listen error when a port is taken.
 * @example
 * ```ts ignore
 * const fleet = await startEmulatorFleet({ port: 8000, replicas: 3 });
 * // http://127.0.0.1:8000, :8001, :8002 with engine labels 0, 1, 2
 * await fleet.drain();
 * ```
 */
export async function startEmulatorFleet(
  options: EmulatorOptions = {},
  runtime: EmulatorRuntime = {},
): Promise<EmulatorFleet> {
  const config = resolveEmulatorConfig(options);
  const replicas: EmulatorHandle[] = [];
  try {
    for (let i = 0; i < config.replicas; i++) {
      const one = replicaConfig(config, i);
      const logger = config.replicas > 1
        ? runtime.logger?.child({ engine: one.engineLabel })
        : runtime.logger;
      replicas.push(await startEmulator(one, { ...runtime, ...(logger ? { logger } : {}) }));
    }
  } catch (err) {
    await Promise.all(replicas.map((r) => r.stop()));
    throw err;
  }
  return {
    replicas,
    drain: async () => void await Promise.all(replicas.map((r) => r.drain())),
    stop: async () => void await Promise.all(replicas.map((r) => r.stop())),
    finished: Promise.all(replicas.map((r) => r.finished)).then(() => {}),
  };
}
