/**
 * The cluster demo's use of the repository's scripts: the Kubernetes and KEDA builds
 * (`scripts/build_k8s.sh`, `scripts/build_keda.sh`: instant once cached, minutes the first time,
 * progress lines on stderr) and the local control plane (`scripts/testcluster.sh up --full --keda
 * --pod-runner`, fake GPUs through `--gpu-type/--gpus`, which run `scripts/gpu_nodes.ts` as the
 * Kind kit does). These are shell scripts of a source checkout: `wva demo --cluster` runs from one.
 *
 * @module
 */
import { forEachLine } from "../../../runtime/child.ts";

/** The repository root of this checkout (the scripts live below it). */
export function repoRoot(): string {
  return new URL("../../../../", import.meta.url).pathname.replace(/\/$/, "");
}

/** Thrown when the cluster demo cannot run here; the message says what to do. */
export class ClusterDemoError extends Error {
  override name = "ClusterDemoError";
}

/** KEDA's metrics adapter runs in a network namespace of the cluster's own: that needs root. */
export function requireRoot(uid: number | null = Deno.uid()): void {
  if (uid === 0) return;
  throw new ClusterDemoError(
    "wva demo --cluster needs root: KEDA's metrics adapter runs in a network namespace " +
      "(ip netns) that scripts/testcluster.sh creates, because the apiserver refuses loopback " +
      "addresses for aggregated APIs. Run it as root (e.g. sudo ./scripts/wva.sh demo --cluster), " +
      "or run the plain demo: wva demo",
  );
}

/** Runs a script of the checkout, each stderr line to `onLine`; resolves to stdout, throws on exit ≠ 0. */
export async function runScript(
  script: string,
  args: readonly string[],
  onLine: (line: string) => void,
  env: Readonly<Record<string, string>> = {},
): Promise<string> {
  const path = `${repoRoot()}/scripts/${script}`;
  try {
    await Deno.stat(path);
  } catch {
    throw new ClusterDemoError(
      `${path} is missing: wva demo --cluster runs from a source checkout`,
    );
  }
  const child = new Deno.Command("bash", {
    args: [path, ...args],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { ...env },
  }).spawn();
  const tail: string[] = [];
  const errDone = forEachLine(child.stderr, (line) => {
    tail.push(line);
    if (tail.length > 30) tail.shift();
    onLine(line);
  });
  const [out, status] = await Promise.all([new Response(child.stdout).text(), child.status]);
  await errDone;
  if (!status.success) {
    throw new ClusterDemoError(
      `scripts/${script} ${args.join(" ")} failed (exit ${status.code}):\n${tail.join("\n")}`,
    );
  }
  return out;
}

/** Builds what is missing of Kubernetes and KEDA (cached by version; progress to `onLine`). */
export async function ensureBinaries(onLine: (line: string) => void): Promise<void> {
  await runScript("build_k8s.sh", [], onLine);
  await runScript("build_keda.sh", [], onLine);
}

/** Options of {@linkcode clusterUp}. */
export interface ClusterUpOptions {
  /** State directory (pki, etcd, logs, kubeconfigs). */
  readonly dir: string;
  readonly nodes: number;
  /** `scripts/gpu_nodes.ts` mode and GPUs per node. */
  readonly gpuType: string;
  readonly gpusPerNode: number;
  /** The HPA controller's sync period, e.g. `"2s"`. */
  readonly hpaSyncPeriod: string;
  /** The scale-down window of HPAs without one, e.g. `"10s"`. @default the script's (5m) */
  readonly hpaDownscaleStabilization?: string | undefined;
  /** Stop the cluster when this process exits. @default this process */
  readonly ownerPid?: number;
}

/** Starts the full tier with KEDA and the pod-runner mode; resolves to the admin kubeconfig path. */
export async function clusterUp(
  options: ClusterUpOptions,
  onLine: (line: string) => void,
): Promise<string> {
  const args = [
    "up",
    "--full",
    "--keda",
    "--pod-runner",
    "--nodes",
    String(options.nodes),
    "--gpu-type",
    options.gpuType,
    "--gpus",
    String(options.gpusPerNode),
    "--hpa-sync-period",
    options.hpaSyncPeriod,
    ...(options.hpaDownscaleStabilization
      ? ["--hpa-downscale-stabilization", options.hpaDownscaleStabilization]
      : []),
    "--dir",
    options.dir,
    "--owner-pid",
    String(options.ownerPid ?? Deno.pid),
  ];
  const out = await runScript("testcluster.sh", args, onLine);
  const kubeconfig = out.trim().split("\n").at(-1) ?? "";
  if (!kubeconfig) throw new ClusterDemoError("testcluster.sh up printed no kubeconfig path");
  return kubeconfig;
}

/** Stops the cluster and removes its state directory (`keep`: leave the directory). */
export async function clusterDown(
  dir: string,
  onLine: (line: string) => void,
  keep = false,
): Promise<void> {
  await runScript("testcluster.sh", ["down", "--dir", dir, ...(keep ? ["--keep"] : [])], onLine);
}

/** The cluster's binary directory (kubectl), from `DIR/cluster.env`. */
export async function clusterBinDir(dir: string): Promise<string> {
  const env = await Deno.readTextFile(`${dir}/cluster.env`);
  const bin = /^BIN=(.*)$/m.exec(env)?.[1];
  if (!bin) throw new ClusterDemoError(`no BIN= in ${dir}/cluster.env`);
  return bin;
}
