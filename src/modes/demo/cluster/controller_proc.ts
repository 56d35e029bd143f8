/**
 * `wva controller` as a child process, the way a cluster runs it (no `--direct-scale`: KEDA
 * actuates): its JSON log lines are parsed and handed to the caller (the `cycle-model` lines are
 * the demo's decisions), appended to a log file, and it can be stopped and restarted on the same
 * metrics port (a controller restart mid-run in the tests). Started through util-linux
 * `setpriv --pdeathsig TERM` when installed, so it never outlives the demo.
 *
 * @module
 */
import { defaultWvaCommand } from "../../../adapters/kubernetes/pod_runner/mod.ts";
import {
  forEachLine,
  terminateChild,
  waitHttpReady,
  withParentDeathSignal,
} from "../../../runtime/child.ts";

/** Options of {@linkcode controllerProcess}. */
export interface ControllerProcOptions {
  readonly kubeconfig: string;
  readonly prometheusUrl: string;
  /** Port of `/metrics`, `/healthz` and `/readyz` on 127.0.0.1 (kept across restarts). */
  readonly port: number;
  /** More flags: `--interval`, `--analyzer`, `--metrics-window`, … */
  readonly args?: readonly string[];
  /** Every line the process writes is appended here. */
  readonly logFile?: string;
  /** Each JSON log line, parsed. */
  readonly onLog?: (record: Readonly<Record<string, unknown>>) => void;
  /** Program that runs `wva`. @default this checkout's main.ts through Deno */
  readonly command?: readonly string[];
}

/** The controller process. */
export interface ControllerProc {
  /** `http://127.0.0.1:PORT/metrics`. */
  readonly metricsUrl: string;
  /** Spawns it and waits until `/readyz` answers 200 (its caches listed). */
  start(): Promise<void>;
  /** SIGTERM (SIGKILL after 10 s); resolves when it has exited. */
  stop(): Promise<void>;
  /** Stop, then start. */
  restart(): Promise<void>;
  /** True while a process runs. */
  running(): boolean;
}

/** A controller process (not started yet). */
export function controllerProcess(options: ControllerProcOptions): ControllerProc {
  const addr = `127.0.0.1:${options.port}`;
  let child: Deno.ChildProcess | undefined;
  let output: Promise<void> = Promise.resolve();
  let exited = true;
  const onLine = (line: string, log: Deno.FsFile | undefined) => {
    log?.writeSync(new TextEncoder().encode(line + "\n"));
    if (!line.startsWith("{")) return;
    try {
      options.onLog?.(JSON.parse(line));
    } catch { /* not JSON */ }
  };
  async function start(): Promise<void> {
    const [program, ...lead] = withParentDeathSignal(options.command ?? defaultWvaCommand());
    const log = options.logFile
      ? await Deno.open(options.logFile, { create: true, append: true })
      : undefined;
    child = new Deno.Command(program!, {
      args: [
        ...lead,
        "controller",
        `--kubeconfig=${options.kubeconfig}`,
        `--prometheus-url=${options.prometheusUrl}`,
        "--namespace=wva-system",
        `--metrics-addr=${addr}`,
        `--health-addr=${addr}`,
        ...(options.args ?? []),
      ],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    exited = false;
    const c = child;
    output = Promise.all([
      forEachLine(c.stdout, (l) => onLine(l, log)),
      forEachLine(c.stderr, (l) => onLine(l, log)),
    ]).then(() => log?.close(), () => log?.close());
    void c.status.then(() => (exited = true));
    try {
      await waitHttpReady(`http://${addr}/readyz`, {
        what: "wva controller",
        exited: () => exited,
        timeoutMs: 90_000,
        intervalMs: 200,
      });
    } catch (err) {
      throw new Error(`${(err as Error).message} (see ${options.logFile ?? "its log"})`);
    }
  }
  async function stop(): Promise<void> {
    const c = child;
    child = undefined;
    if (!c) return;
    await terminateChild(c);
    await output;
  }
  return {
    metricsUrl: `http://${addr}/metrics`,
    start,
    stop,
    restart: async () => {
      await stop();
      await start();
    },
    running: () => !exited,
  };
}
