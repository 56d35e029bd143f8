/**
 * The whole actuation path on this machine, started in order and stopped in reverse: the
 * Kubernetes and KEDA builds (cached), the local control plane with fake GPUs, KEDA and the
 * pod-runner mode (`scripts/testcluster.sh`), the controller's manifests (CRD, RBAC, ConfigMaps),
 * a real Prometheus scraping the pods (the runner's file-SD targets), the controller and the
 * gateway, the pod runner, the gateway over the Kubernetes endpoint source, and `wva controller`
 * as a process without `--direct-scale` — so wva's decision reaches the pods only through
 * Prometheus → KEDA → the HPA controller → the Deployment.
 *
 * `wva demo --cluster` runs on it; so do the cluster tests (tests/cluster/), which apply their
 * own workloads.
 *
 * @module
 */
import {
  type KubeEndpoints,
  startKubeEndpoints,
} from "../../../adapters/kubernetes/endpoints/mod.ts";
import { type Kube, loadKube } from "../../../adapters/kubernetes/kube/mod.ts";
import {
  type PodRunnerHandle,
  podScrapeConfig,
  startPodRunner,
} from "../../../adapters/kubernetes/pod_runner/mod.ts";
import {
  type GatewayHandle,
  type RouteRecord,
  startGateway,
} from "../../../adapters/gateway/mod.ts";
import {
  freeLoopbackPort,
  type PrometheusServer,
  startPrometheusServer,
} from "../../../adapters/prometheus/launcher.ts";
import type { FlagRow } from "../../../runtime/config/table.ts";
import { type Logger, NULL_LOGGER } from "../../../runtime/log.ts";
import {
  applyControllerManifests,
  applyObjects,
  type Kubectl,
  kubectlFor,
  readManifest,
} from "./apply.ts";
import { type ControllerProc, controllerProcess } from "./controller_proc.ts";
import type { Obj } from "./manifests.ts";
import {
  clusterBinDir,
  clusterDown,
  clusterUp,
  type ClusterUpOptions,
  ensureBinaries,
  requireRoot,
} from "./scripts.ts";

/** Options of {@linkcode startClusterStack}. */
export interface ClusterStackOptions extends Omit<ClusterUpOptions, "dir" | "ownerPid"> {
  /** State root: `cluster/` (the control plane), `prometheus/`, `pods/` (emulator logs), `controller.log`. */
  readonly dir: string;
  /** Namespace of the workloads (pod runner, endpoints). @default all namespaces */
  readonly namespace?: string | undefined;
  /** The flags `wva emulator` accepts, for the pod runner's translation of container args. */
  readonly emulatorFlags: readonly FlagRow[];
  /** Flags of `wva controller` beyond the connection ones (`--interval`, `--analyzer`, …). */
  readonly controllerArgs: readonly string[];
  /** Edits the shipped ConfigMaps before they are applied. @default as shipped */
  readonly configMaps?: (shipped: readonly Obj[]) => Obj[];
  /** Prometheus scrape interval. @default 1 */
  readonly scrapeIntervalSec?: number;
  /** Pod runner probe period for containers without an HTTP probe. @default 500 */
  readonly probePeriodMs?: number;
  /** Build Kubernetes and KEDA if missing (instant when cached). @default true */
  readonly build?: boolean;
  /** Progress lines (builds, cluster start-up). */
  readonly onProgress?: (line: string) => void;
  /** Each JSON log line of the controller. */
  readonly onControllerLog?: (record: Readonly<Record<string, unknown>>) => void;
  /** Each request the gateway finished. */
  readonly onRoute?: (record: RouteRecord) => void;
  /** Pod runner, endpoints and gateway log. @default dropped */
  readonly logger?: Logger;
}

/** Wall time of each start-up phase, ms. */
export interface StackTimings {
  readonly buildMs: number;
  readonly clusterMs: number;
  readonly servicesMs: number;
}

/** The running stack. */
export interface ClusterStack {
  readonly dir: string;
  readonly kubeconfigPath: string;
  readonly kube: Kube;
  readonly kubectl: Kubectl;
  readonly prometheus: PrometheusServer;
  readonly runner: PodRunnerHandle;
  readonly endpoints: KubeEndpoints;
  readonly gateway: GatewayHandle;
  readonly controller: ControllerProc;
  readonly timings: StackTimings;
  /** `kubectl apply --server-side` of these objects. */
  apply(objects: readonly Obj[]): Promise<void>;
  /** Stops everything in reverse order and removes the cluster's state directory. */
  stop(): Promise<void>;
}

/** Stoppers in start order; run in reverse, each failure logged and skipped. */
class Teardown {
  #steps: { what: string; fn: () => Promise<void> }[] = [];
  constructor(private readonly log: Logger) {}
  add(what: string, fn: () => Promise<void>): void {
    this.#steps.push({ what, fn });
  }
  async run(): Promise<void> {
    for (const s of this.#steps.reverse()) {
      await s.fn().catch((err) =>
        this.log.warn("stop-failed", { what: s.what, error: (err as Error).message })
      );
    }
    this.#steps = [];
  }
}

/** Starts everything (see the module doc); on failure stops what it started and rethrows. */
export async function startClusterStack(options: ClusterStackOptions): Promise<ClusterStack> {
  requireRoot();
  const log = options.logger ?? NULL_LOGGER;
  const progress = options.onProgress ?? (() => {});
  const down = new Teardown(log);
  try {
    const t0 = performance.now();
    if (options.build !== false) await ensureBinaries(progress);
    const t1 = performance.now();
    const cluster = await startControlPlane(options, progress, down);
    const t2 = performance.now();
    const parts = await startServices(options, cluster, down);
    const timings = {
      buildMs: Math.round(t1 - t0),
      clusterMs: Math.round(t2 - t1),
      servicesMs: Math.round(performance.now() - t2),
    };
    return {
      dir: options.dir,
      ...cluster,
      ...parts,
      timings,
      apply: (objects) => applyObjects(cluster.kubectl, objects),
      stop: () => down.run(),
    };
  } catch (err) {
    await down.run();
    throw err;
  }
}

interface ControlPlane {
  readonly kubeconfigPath: string;
  readonly kube: Kube;
  readonly kubectl: Kubectl;
}

async function startControlPlane(
  options: ClusterStackOptions,
  progress: (line: string) => void,
  down: Teardown,
): Promise<ControlPlane> {
  const dir = `${options.dir}/cluster`;
  await Deno.mkdir(options.dir, { recursive: true });
  down.add("cluster", () => clusterDown(dir, progress, Deno.env.get("WVA_KEEP_CLUSTER") === "1"));
  const kubeconfigPath = await clusterUp({
    dir,
    nodes: options.nodes,
    gpuType: options.gpuType,
    gpusPerNode: options.gpusPerNode,
    hpaSyncPeriod: options.hpaSyncPeriod,
    hpaDownscaleStabilization: options.hpaDownscaleStabilization,
  }, progress);
  const kube = loadKube({ kubeconfigPath });
  down.add("kube client", () => Promise.resolve(kube.close()));
  const kubectl = kubectlFor(await clusterBinDir(dir), kubeconfigPath);
  const shipped = await readManifest("manifests/configmaps.yaml");
  await applyControllerManifests(
    kubectl,
    options.configMaps ? options.configMaps(shipped) : shipped,
  );
  return { kubeconfigPath, kube, kubectl };
}

async function startServices(
  options: ClusterStackOptions,
  cp: ControlPlane,
  down: Teardown,
): Promise<Pick<ClusterStack, "prometheus" | "runner" | "endpoints" | "gateway" | "controller">> {
  const log = options.logger ?? NULL_LOGGER;
  const gatewayPort = freeLoopbackPort();
  const controllerPort = freeLoopbackPort();
  const targetsFile = `${options.dir}/prometheus/pod-targets.json`;
  down.add(
    "prometheus data",
    () => Deno.remove(`${options.dir}/prometheus/data`, { recursive: true }),
  );
  const prometheus = await startPrometheusServer({
    dir: `${options.dir}/prometheus`,
    scrapeIntervalSec: options.scrapeIntervalSec ?? 1,
    scrapeConfigs: [
      podScrapeConfig({ targetsFile }),
      {
        job_name: "wva-controller",
        static_configs: [{ targets: [`127.0.0.1:${controllerPort}`] }],
      },
      {
        job_name: "gateway",
        static_configs: [{
          targets: [`127.0.0.1:${gatewayPort}`],
          labels: options.namespace ? { namespace: options.namespace } : {},
        }],
      },
    ],
  });
  down.add("prometheus", () => prometheus.stop());
  await Deno.mkdir(`${options.dir}/pods`, { recursive: true });
  const runner = startPodRunner(cp.kube, {
    emulatorFlags: options.emulatorFlags,
    ...(options.namespace ? { namespace: options.namespace } : {}),
    targetsFile,
    logDir: `${options.dir}/pods`,
    probePeriodMs: options.probePeriodMs ?? 500,
    logger: log,
  });
  down.add("pod runner", () => runner.stop());
  const endpoints = startKubeEndpoints(cp.kube, { namespace: options.namespace, logger: log });
  down.add("endpoints", () => endpoints.stop());
  await endpoints.synced;
  const gateway = startGateway({
    endpoints,
    port: gatewayPort,
    logger: log,
    ...(options.onRoute ? { onRecord: options.onRoute } : {}),
  });
  down.add("gateway", () => gateway.stop());
  const controller = controllerProcess({
    kubeconfig: cp.kubeconfigPath,
    prometheusUrl: prometheus.url,
    port: controllerPort,
    args: options.controllerArgs,
    logFile: `${options.dir}/controller.log`,
    ...(options.onControllerLog ? { onLog: options.onControllerLog } : {}),
  });
  down.add("controller", () => controller.stop());
  await controller.start();
  return { prometheus, runner, endpoints, gateway, controller };
}
