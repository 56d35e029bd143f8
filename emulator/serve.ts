/**
 * `startEmulator`: the only place that binds a port. Serves the app with `Deno.serve` and
 * provides drain (readiness false, new requests 503, in-flight finish, then close) and stop.
 *
 * @module
 */
import { createLogger, type Logger, NULL_LOGGER } from "../src/runtime/log.ts";
import type { Clock } from "../src/runtime/clock.ts";
import { createEmulatorApp } from "./app.ts";
import { type EmulatorConfig, type EmulatorOptions, resolveEmulatorConfig } from "./config.ts";
import { EmulatorCore } from "./core.ts";
import { preciseClock } from "./precise_clock.ts";
import type { TimeBase } from "./time_base.ts";

/** Runtime collaborators of {@linkcode startEmulator}. */
export interface EmulatorRuntime {
  /** @default a sub-ms wall clock */
  readonly clock?: Clock;
  /** Aborting it stops the server immediately. */
  readonly signal?: AbortSignal;
  /** @default no logging */
  readonly logger?: Logger;
  /** Model time versus wall time (emulator/time_base.ts). @default real time */
  readonly timeBase?: TimeBase;
}

/** A running emulator. */
export interface EmulatorHandle {
  /** Base URL without `/v1`, e.g. `http://127.0.0.1:40123`. */
  readonly url: string;
  readonly port: number;
  readonly config: EmulatorConfig;
  /** The core (engine state, metrics, settings) for in-process inspection. */
  readonly core: EmulatorCore;
  /** Readiness false, new requests 503, in-flight requests finish (up to drainTimeoutMs), close. */
  drain(): Promise<void>;
  /** Closes now: in-flight requests are aborted. */
  stop(): Promise<void>;
  /** Resolves when the server has closed. */
  readonly finished: Promise<void>;
}

/**
 * Starts an emulator on `options.host` (default 127.0.0.1) and `options.port` (0 picks a free
 * port).
 *
 * @throws {ConfigError} when options are invalid.
 * @example
 * ```ts ignore
 * const emu = await startEmulator({ port: 0, preset: "H100", startupDelayMs: 0 });
 * const res = await fetch(`${emu.url}/v1/models`);
 * await emu.stop();
 * ```
 */
export function startEmulator(
  options: EmulatorOptions = {},
  runtime: EmulatorRuntime = {},
): Promise<EmulatorHandle> {
  try {
    return Promise.resolve(serve(options, runtime));
  } catch (err) {
    return Promise.reject(err);
  }
}

function serve(options: EmulatorOptions, runtime: EmulatorRuntime): EmulatorHandle {
  const config = resolveEmulatorConfig({ port: 0, ...options });
  const logger = runtime.logger ?? NULL_LOGGER;
  const core = new EmulatorCore(config, {
    clock: runtime.clock ?? preciseClock,
    logger,
    ...(runtime.timeBase ? { timeBase: runtime.timeBase } : {}),
  });
  const app = createEmulatorApp({ core });
  const serverAbort = new AbortController();
  const server = Deno.serve({
    hostname: config.host,
    port: config.port,
    // Deno's default listen backlog is 511; a burst of thousands of connections overflows it.
    tcpBacklog: config.listenBacklog,
    signal: serverAbort.signal,
    onListen: () => {},
  }, app.fetch);
  const port = server.addr.port;
  const host = config.host === "0.0.0.0" || config.host === "::" ? "127.0.0.1" : config.host;
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  logger.info("emulator-listening", {
    url,
    model: config.model,
    preset: config.preset,
    alphaMs: config.alphaMs,
    betaMs: config.betaMs,
    maxNumSeqs: config.maxNumSeqs,
  });
  let closing: Promise<void> | undefined;
  function close(): Promise<void> {
    closing ??= (async () => {
      await server.shutdown();
      logger.info("emulator-stopped", { url });
    })();
    return closing;
  }
  async function stop(): Promise<void> {
    core.startDrain();
    core.abortAll();
    await close();
  }
  async function drain(): Promise<void> {
    core.startDrain();
    logger.info("emulator-draining", { url, ...core.stats() });
    const idle = await core.whenIdle(core.wallDelayMs(config.drainTimeoutMs));
    if (!idle) logger.warn("emulator-drain-timeout", { url, ...core.stats() });
    core.abortAll();
    await close();
  }
  runtime.signal?.addEventListener("abort", () => void stop(), { once: true });
  return { url, port, config, core, drain, stop, finished: server.finished };
}

/** A JSON-lines logger at the configured level (for the CLI). */
export function emulatorLogger(config: EmulatorConfig): Logger {
  return createLogger({ level: config.logLevel, base: { mode: "emulator" } });
}
