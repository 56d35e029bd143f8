/**
 * Prometheus discovery of the pods the runner runs: file-based service discovery that the runner
 * rewrites whenever a pod's emulator starts, moves to another port or stops, with the labels the
 * Kind kit's Prometheus attaches through its `kubernetes_sd_configs` relabelling
 * (kind/prometheus.yaml) and the controller's queries group by: `namespace`, `pod`, and
 * `llm_d_ai_variant` from the pod label `llm-d.ai/variant`; `prometheus.io/path` sets the
 * metrics path and `prometheus.io/scrape: "false"` leaves a pod out, as there.
 *
 * Why not `kubernetes_sd_configs` itself: Debian's Prometheus 2.42 (the one installed here) is
 * built without the Kubernetes discovery — it rejects the `kubernetes_sd_configs` key ("field
 * kubernetes_sd_configs not found in type config.ScrapeConfig"), whatever the kubeconfig.
 *
 * @module
 */

/** A file-SD target group (the JSON Prometheus reads). */
export interface TargetGroup {
  readonly targets: readonly string[];
  readonly labels: Readonly<Record<string, string>>;
}

/** A pod being scraped: where its emulator listens and the pod's metadata. */
export interface ScrapedPod {
  readonly namespace: string;
  readonly pod: string;
  /** `127.0.0.1:PORT`. */
  readonly endpoint: string;
  readonly labels?: Readonly<Record<string, string>> | undefined;
  readonly annotations?: Readonly<Record<string, string>> | undefined;
}

/**
 * One target group per pod, sorted by namespace and name so an unchanged set gives the same
 * file text.
 *
 * @example
 * ```ts
 * import { podTargetGroups } from "./targets.ts";
 * const groups = podTargetGroups([{ namespace: "llm", pod: "p-0", endpoint: "127.0.0.1:40123" }]);
 * // [{ targets: ["127.0.0.1:40123"], labels: { namespace: "llm", pod: "p-0" } }]
 * ```
 */
export function podTargetGroups(pods: readonly ScrapedPod[]): TargetGroup[] {
  return pods
    .filter((p) => p.annotations?.["prometheus.io/scrape"] !== "false")
    .toSorted((a, b) => `${a.namespace}/${a.pod}`.localeCompare(`${b.namespace}/${b.pod}`))
    .map((p) => {
      const labels: Record<string, string> = { namespace: p.namespace, pod: p.pod };
      const variant = p.labels?.["llm-d.ai/variant"];
      if (variant) labels.llm_d_ai_variant = variant;
      const path = p.annotations?.["prometheus.io/path"];
      if (path) labels.__metrics_path__ = path;
      return { targets: [p.endpoint], labels };
    });
}

/** Options of {@linkcode podScrapeConfig}. */
export interface PodScrapeOptions {
  /** The file the runner writes (its `targetsFile` option). */
  readonly targetsFile: string;
  /** Job name (the `job` label). @default "wva-pods" */
  readonly jobName?: string;
}

/** The `scrape_configs` entry that reads the runner's targets file (re-read within a second). */
export function podScrapeConfig(options: PodScrapeOptions): Record<string, unknown> {
  return {
    job_name: options.jobName ?? "wva-pods",
    file_sd_configs: [{ files: [options.targetsFile], refresh_interval: "1s" }],
  };
}

/** Writes the groups atomically (temporary file, then rename), as Prometheus expects. */
export async function writeTargetsFile(
  path: string,
  groups: readonly TargetGroup[],
): Promise<void> {
  const tmp = `${path}.tmp`;
  await Deno.writeTextFile(tmp, JSON.stringify(groups));
  await Deno.rename(tmp, path);
}
