/**
 * Starts a real Kubernetes control plane for a test file through `scripts/testcluster.sh` (the
 * same code path as the command line), and stops it again. One cluster per test file: start it
 * in the file's single `Deno.test`, run the cases as steps, stop it in `finally`.
 *
 * When the binaries are missing or the cluster cannot start, `startTestCluster` throws with the
 * script's message (which says how to build them): such tests fail, they are not skipped. Only
 * `WVA_SKIP_CLUSTER=1` skips them, on purpose (spread {@linkcode clusterTest} into the test's
 * options: the name then says why it was skipped); under `CI=true` that switch is refused and the
 * tests fail instead, so CI cannot skip them silently.
 * `WVA_KEEP_CLUSTER=1` keeps the state directory (logs, kubeconfigs) for debugging.
 *
 * @module
 */
import { type Kube, loadKube } from "../../src/adapters/kubernetes/kube/mod.ts";
import { envSkipGate } from "./tools.ts";

/**
 * Name and `ignore` for a test that needs a cluster: skipped (reason in the name) when
 * `WVA_SKIP_CLUSTER=1`, except under `CI=true`, where {@linkcode startTestCluster} fails instead.
 */
export function clusterTest(name: string): { readonly name: string; readonly ignore: boolean } {
  const gate = envSkipGate(name, "WVA_SKIP_CLUSTER");
  return { name: gate.name, ignore: gate.ignore };
}

const SCRIPT = new URL("../../scripts/testcluster.sh", import.meta.url).pathname;

/** Options for {@linkcode startTestCluster}. */
export interface TestClusterOptions {
  /** Add controller-manager, scheduler and kwok with fake nodes. @default false */
  readonly full?: boolean;
  /** Number of fake nodes (full tier). @default 3 */
  readonly nodes?: number;
  /**
   * Add the KEDA operator and its metrics adapter (`external.metrics.k8s.io` through the
   * aggregation layer, adapter in a network namespace of its own; needs root). Implies `full`.
   * @default false
   */
  readonly keda?: boolean;
  /**
   * Leave the readiness of pods on the fake nodes to the pod runner (`testcluster.sh
   * --pod-runner`): kwok makes them Running with Ready=False, and a deleted pod is removed by the
   * runner once drained, or by kwok when its grace period ends. Implies `full`.
   * @default false
   */
  readonly podRunner?: boolean;
  /** HPA controller sync period (kube-controller-manager flag), e.g. `"2s"`. @default "15s" */
  readonly hpaSyncPeriod?: string;
  /**
   * Scale-down window of HPAs without `behavior` (or with a nil scale-down window)
   * (`--horizontal-pod-autoscaler-downscale-stabilization`), e.g. `"7s"`. @default "5m"
   */
  readonly hpaDownscaleStabilization?: string;
  /** Directory with the binaries (sets `WVA_K8S_BIN`). @default the build_k8s.sh cache */
  readonly binDir?: string;
  /** KEDA directory with bin/ and crd/ (sets `WVA_KEDA_DIR`). @default the build_keda.sh cache */
  readonly kedaDir?: string;
}

/** A running test cluster. */
export interface TestCluster {
  /** State directory: kubeconfigs, pki, logs. */
  readonly dir: string;
  /** Admin kubeconfig (Kind-shaped, client certificate). */
  readonly kubeconfigPath: string;
  /** Service-account token kubeconfig allowed only get/list/watch ConfigMaps in `wva-restricted`. */
  readonly restrictedKubeconfigPath: string;
  /** Admin clients; closed by `stop()`. */
  readonly kube: Kube;
  /** Wall time `up` took, in ms. */
  readonly startMs: number;
  /** Stops and restarts kube-apiserver (same port and data); resolves when it is ready again. */
  restartApiserver(): Promise<void>;
  /** Runs `testcluster.sh` with other arguments (e.g. `status`), returning its output. */
  run(...args: string[]): Promise<string>;
  /** Runs the cluster's `kubectl` with the admin kubeconfig; returns stdout, throws on exit ≠ 0. */
  kubectl(...args: string[]): Promise<string>;
  /** Stops every process and removes the state directory. */
  stop(): Promise<void>;
}

async function script(
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  let out: Deno.CommandOutput;
  try {
    out = await new Deno.Command("bash", { args: [SCRIPT, ...args], stdin: "null", env }).output();
  } catch (err) {
    throw new Error(`cannot run ${SCRIPT}: ${(err as Error).message}`);
  }
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

async function runOrThrow(
  args: readonly string[],
  what: string,
  env: Record<string, string> = {},
): Promise<string> {
  const r = await script(args, env);
  if (r.code !== 0) {
    throw new Error(
      `${what} failed (exit ${r.code}):\n${r.stderr.trim().split("\n").slice(-30).join("\n")}`,
    );
  }
  return r.stdout;
}

/** Starts a cluster in a fresh temp directory; it is stopped by `stop()` or when this process exits. */
export async function startTestCluster(options: TestClusterOptions = {}): Promise<TestCluster> {
  envSkipGate("cluster", "WVA_SKIP_CLUSTER").check();
  const dir = await Deno.makeTempDir({ prefix: "wva-testcluster-" });
  const args = ["up", "--dir", dir, "--owner-pid", String(Deno.pid)];
  if (options.full || options.keda || options.podRunner) {
    args.push("--full", "--nodes", String(options.nodes ?? 3));
  }
  if (options.keda) args.push("--keda");
  if (options.podRunner) args.push("--pod-runner");
  if (options.hpaSyncPeriod) args.push("--hpa-sync-period", options.hpaSyncPeriod);
  if (options.hpaDownscaleStabilization) {
    args.push("--hpa-downscale-stabilization", options.hpaDownscaleStabilization);
  }
  const t0 = performance.now();
  let stdout: string;
  try {
    const env: Record<string, string> = {
      ...(options.binDir ? { WVA_K8S_BIN: options.binDir } : {}),
      ...(options.kedaDir ? { WVA_KEDA_DIR: options.kedaDir } : {}),
    };
    stdout = await runOrThrow(args, "scripts/testcluster.sh up", env);
  } catch (err) {
    await script(["down", "--dir", dir]);
    throw err;
  }
  const startMs = Math.round(performance.now() - t0);
  const kubeconfigPath = stdout.trim().split("\n").at(-1) ?? "";
  const kube = loadKube({ kubeconfigPath });
  const keep = Deno.env.get("WVA_KEEP_CLUSTER") === "1";
  return {
    dir,
    kubeconfigPath,
    restrictedKubeconfigPath: `${dir}/restricted.kubeconfig`,
    kube,
    startMs,
    restartApiserver: async () => {
      await runOrThrow(["restart-apiserver", "--dir", dir], "restart-apiserver");
    },
    run: (...more) => runOrThrow([...more, "--dir", dir], `testcluster.sh ${more.join(" ")}`),
    kubectl: async (...more) => {
      const env = await Deno.readTextFile(`${dir}/cluster.env`);
      const bin = /^BIN=(.*)$/m.exec(env)?.[1] ?? "";
      const out = await new Deno.Command(`${bin}/kubectl`, {
        args: ["--kubeconfig", kubeconfigPath, ...more],
        stdin: "null",
      }).output();
      const dec = new TextDecoder();
      if (out.code !== 0) {
        throw new Error(`kubectl ${more.join(" ")} failed: ${dec.decode(out.stderr).trim()}`);
      }
      return dec.decode(out.stdout);
    },
    stop: async () => {
      kube.close();
      await runOrThrow(
        ["down", "--dir", dir, ...(keep ? ["--keep"] : [])],
        "scripts/testcluster.sh down",
      );
      if (keep) console.error(`WVA_KEEP_CLUSTER=1: cluster state kept in ${dir}`);
    },
  };
}

/** Polls `check` every `intervalMs` until it returns a value other than undefined, or throws on timeout. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined>,
  options: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ""}`);
    }
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 200));
  }
}
