/**
 * The pod runner: runs the pods of kwok's fake-GPU nodes as real `wva emulator` processes on
 * loopback, reports their readiness through the pod status, publishes each pod's endpoint in the
 * `wva.llmd.ai/endpoint` annotation and a Prometheus file-SD targets file (labelled like the Kind
 * kit's pod discovery), and drains them on delete. See docs/testcluster.md.
 *
 * @module
 */
export {
  KWOK_NODE_ANNOTATION,
  type PodEndpoint,
  type PodRunnerHandle,
  type PodRunnerOptions,
  startPodRunner,
} from "./runner.ts";
export { ENDPOINT_ANNOTATION } from "./status.ts";
export {
  podScrapeConfig,
  type PodScrapeOptions,
  podTargetGroups,
  type ScrapedPod,
  type TargetGroup,
  writeTargetsFile,
} from "./targets.ts";
export {
  containerEnv,
  type ContainerLike,
  type EmulatorArgs,
  emulatorArgs,
  type Readiness,
  readinessOf,
} from "./container.ts";
export { defaultWvaCommand } from "./process.ts";
