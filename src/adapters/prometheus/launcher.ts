/**
 * Runs a real Prometheus server (`/usr/bin/prometheus`, Debian's package) on loopback for the
 * cluster demo and the cluster tests: a generated configuration (global scrape interval, the
 * caller's `scrape_configs` — e.g. the pod runner's file-SD job from `podScrapeConfig`, the
 * controller's and the gateway's `/metrics`), a data directory, `/-/ready` awaited. It can be
 * paused and resumed on the same port and data (a Prometheus outage in a test). It is started
 * through `setpriv --pdeathsig TERM` when available, so it never outlives its parent.
 *
 * @module
 */
import { stringify } from "yaml";
import { terminateChild, waitHttpReady, withParentDeathSignal } from "../../runtime/child.ts";

/** Options of {@linkcode startPrometheusServer}. */
export interface PrometheusServerOptions {
  /** `scrape_configs` entries, as Prometheus reads them. */
  readonly scrapeConfigs: readonly Record<string, unknown>[];
  /** Where the configuration, the TSDB and `prometheus.log` go (created). */
  readonly dir: string;
  /** Scrape and rule-evaluation interval in seconds. @default 1 */
  readonly scrapeIntervalSec?: number;
  /** Listen port on 127.0.0.1. @default a free port */
  readonly port?: number;
  /** Binary. @default $WVA_PROMETHEUS_BIN, else /usr/bin/prometheus */
  readonly binary?: string;
  /** Longest wait for `/-/ready`, in ms. @default 30000 */
  readonly readyTimeoutMs?: number;
}

/** A running Prometheus. */
export interface PrometheusServer {
  /** `http://127.0.0.1:PORT`. */
  readonly url: string;
  readonly port: number;
  /** Stops it (SIGTERM) and keeps `dir`. */
  stop(): Promise<void>;
  /** Stops it; {@linkcode resume} brings it back on the same port and data. */
  pause(): Promise<void>;
  /** Starts it again after {@linkcode pause}; resolves when ready. */
  resume(): Promise<void>;
}

/** The binary to run (an explicit path must exist), or an error that says how to get one. */
export function prometheusBinaryPath(explicit?: string): string {
  const candidates = explicit
    ? [explicit]
    : [Deno.env.get("WVA_PROMETHEUS_BIN"), "/usr/bin/prometheus"];
  for (const c of candidates) {
    if (!c) continue;
    try {
      if (Deno.statSync(c).isFile) return c;
    } catch { /* next */ }
  }
  throw new Error(
    `Prometheus is not installed (looked for ${candidates.filter((c) => !!c).join(", ")}): ` +
      "apt-get install prometheus (Debian's package gives /usr/bin/prometheus), or set " +
      "WVA_PROMETHEUS_BIN",
  );
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freeLoopbackPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

/** The configuration file text (pure). */
export function prometheusConfig(
  scrapeConfigs: readonly Record<string, unknown>[],
  scrapeIntervalSec = 1,
): string {
  const interval = `${scrapeIntervalSec}s`;
  return stringify({
    global: { scrape_interval: interval, evaluation_interval: interval, scrape_timeout: interval },
    scrape_configs: scrapeConfigs,
  });
}

/**
 * Starts Prometheus and waits until it is ready; on failure the error names its log file.
 *
 * @example
 * ```ts ignore
 * const prom = await startPrometheusServer({ dir, scrapeConfigs: [podScrapeConfig({ targetsFile })] });
 * // … createPromClient({ url: prom.url })
 * await prom.stop();
 * ```
 */
export async function startPrometheusServer(
  options: PrometheusServerOptions,
): Promise<PrometheusServer> {
  const binary = prometheusBinaryPath(options.binary);
  const port = options.port ?? freeLoopbackPort();
  const url = `http://127.0.0.1:${port}`;
  await Deno.mkdir(options.dir, { recursive: true });
  const configFile = `${options.dir}/prometheus.yml`;
  const logFile = `${options.dir}/prometheus.log`;
  await Deno.writeTextFile(
    configFile,
    prometheusConfig(options.scrapeConfigs, options.scrapeIntervalSec),
  );
  let child: Deno.ChildProcess | undefined;
  let exited = false;
  async function launch(): Promise<void> {
    const log = await Deno.open(logFile, { create: true, append: true });
    exited = false;
    const [program, ...lead] = withParentDeathSignal([binary]);
    child = new Deno.Command(program!, {
      args: [
        ...lead,
        `--config.file=${configFile}`,
        `--storage.tsdb.path=${options.dir}/data`,
        `--web.listen-address=127.0.0.1:${port}`,
        "--log.level=warn",
      ],
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    }).spawn();
    void child.stderr.pipeTo(log.writable).catch(() => {});
    void child.status.then(() => (exited = true));
    try {
      await waitHttpReady(`${url}/-/ready`, {
        what: "prometheus",
        exited: () => exited,
        timeoutMs: options.readyTimeoutMs ?? 30_000,
        intervalMs: 100,
      });
    } catch (err) {
      await halt();
      throw new Error(`${(err as Error).message} (see ${logFile})`);
    }
  }
  async function halt(): Promise<void> {
    const c = child;
    child = undefined;
    if (!c) return;
    await terminateChild(c);
  }
  await launch();
  return { url, port, stop: halt, pause: halt, resume: launch };
}
