/**
 * Starts a real Prometheus (Debian package `prometheus`, binary `/usr/bin/prometheus`) on
 * loopback for tests, with a generated configuration: static targets, or file-based service
 * discovery that the test can rewrite while Prometheus runs.
 *
 * @module
 */
import { stringify } from "yaml";
import { freePort, waitForHttp } from "./ports.ts";

/** One scrape target group: `host:port` addresses plus labels attached to every sample. */
export interface TargetGroup {
  readonly targets: readonly string[];
  readonly labels?: Readonly<Record<string, string>>;
}

/** Options for {@linkcode startPrometheus}. */
export interface PrometheusOptions {
  /** Static targets (written into the config) — or use `fileTargets` to change them later. */
  readonly staticTargets?: readonly TargetGroup[];
  /** Initial file-SD targets; call `setTargets` to replace them at run time. */
  readonly fileTargets?: readonly TargetGroup[];
  /** Scrape and evaluation interval in seconds. @default 1 */
  readonly scrapeIntervalSec?: number;
  /** Prometheus binary. @default $WVA_PROMETHEUS_BIN or /usr/bin/prometheus */
  readonly binary?: string;
  /** Metrics path of the targets. @default "/metrics" */
  readonly metricsPath?: string;
}

/** A running Prometheus. */
export interface PrometheusHandle {
  /** Base URL, e.g. `http://127.0.0.1:39123`. */
  readonly url: string;
  readonly port: number;
  /** The file-SD file (JSON target groups) of the `file` job; a writer such as the pod runner may own it. */
  readonly targetsFile: string;
  /** Replaces the file-SD target list; Prometheus picks it up within about a second. */
  setTargets(groups: readonly TargetGroup[]): Promise<void>;
  /** Instant query; returns the `data.result` array of a vector result. */
  query(expr: string): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>>;
  /** Stops Prometheus and removes its data directory. */
  stop(): Promise<void>;
  /** Stops Prometheus but keeps the data directory so `restart` can bring it back on the same port. */
  pause(): Promise<void>;
  /** Starts it again after `pause` on the same port and configuration. */
  resume(): Promise<void>;
}

/** Path of the Prometheus binary, or throws a message that says how to install it. */
export function prometheusBinary(explicit?: string): string {
  const candidates = [explicit, Deno.env.get("WVA_PROMETHEUS_BIN"), "/usr/bin/prometheus"].filter(
    (c): c is string => !!c,
  );
  for (const c of candidates) {
    try {
      if (Deno.statSync(c).isFile) return c;
    } catch { /* try next */ }
  }
  throw new Error(
    "Prometheus is not installed: run ./scripts/test.sh (it installs the Debian package " +
      "'prometheus'), or apt-get install prometheus",
  );
}

/** Starts Prometheus on a free loopback port and waits until it is ready. */
export async function startPrometheus(options: PrometheusOptions = {}): Promise<PrometheusHandle> {
  const binary = prometheusBinary(options.binary);
  const dir = await Deno.makeTempDir({ prefix: "wva-prom-" });
  const port = freePort();
  const interval = `${options.scrapeIntervalSec ?? 1}s`;
  const sdFile = `${dir}/targets.json`;
  const scrapeConfigs: unknown[] = [];
  if (options.staticTargets) {
    scrapeConfigs.push({
      job_name: "static",
      metrics_path: options.metricsPath ?? "/metrics",
      static_configs: options.staticTargets.map((g) => ({
        targets: g.targets,
        labels: g.labels ?? {},
      })),
    });
  }
  scrapeConfigs.push({
    job_name: "file",
    metrics_path: options.metricsPath ?? "/metrics",
    file_sd_configs: [{ files: [sdFile], refresh_interval: "1s" }],
  });
  const config = {
    global: { scrape_interval: interval, evaluation_interval: interval, scrape_timeout: interval },
    scrape_configs: scrapeConfigs,
  };
  await Deno.writeTextFile(`${dir}/prometheus.yml`, stringify(config));
  async function writeTargets(groups: readonly TargetGroup[]): Promise<void> {
    const tmp = `${sdFile}.tmp`;
    await Deno.writeTextFile(
      tmp,
      JSON.stringify(groups.map((g) => ({ targets: g.targets, labels: g.labels ?? {} }))),
    );
    await Deno.rename(tmp, sdFile);
  }
  await writeTargets(options.fileTargets ?? []);
  let child: Deno.ChildProcess | undefined;
  async function launch(): Promise<void> {
    child = new Deno.Command(binary, {
      args: [
        `--config.file=${dir}/prometheus.yml`,
        `--storage.tsdb.path=${dir}/data`,
        `--web.listen-address=127.0.0.1:${port}`,
        "--web.enable-lifecycle",
        "--log.level=warn",
      ],
      stdout: "null",
      stderr: "null",
    }).spawn();
    await waitForHttp(`http://127.0.0.1:${port}/-/ready`, 30_000);
  }
  async function halt(): Promise<void> {
    if (!child) return;
    try {
      child.kill("SIGTERM");
    } catch { /* already gone */ }
    await child.status;
    child = undefined;
  }
  await launch();
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    port,
    targetsFile: sdFile,
    setTargets: writeTargets,
    async query(expr) {
      const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(expr)}`);
      const body = await res.json();
      if (body.status !== "success") throw new Error(`query failed: ${JSON.stringify(body)}`);
      return body.data.result;
    },
    async stop() {
      await halt();
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
    pause: halt,
    resume: launch,
  };
}
