/**
 * `wva controller`: autoscale every VariantAutoscaling of a cluster, in it (service account) or
 * from outside with a kubeconfig (Kind's client-certificate kubeconfig included). Runs until
 * SIGTERM or SIGINT, then stops gracefully (releases the leader Lease). See docs/controller.md.
 *
 * @module
 */
import { KubeConfigError } from "../../adapters/kubernetes/kube/mod.ts";
import { ConfigError } from "../../core/util/validate.ts";
import { loadConfig } from "../../runtime/config/load.ts";
import { parseCommandLine } from "../../runtime/config/table.ts";
import { startController } from "./controller.ts";
import { CONTROLLER_CONFIG, CONTROLLER_FLAGS } from "./flags.ts";
import { createLogger } from "../../runtime/log.ts";

const HELP = {
  usage: "wva controller --prometheus-url URL [flags]",
  summary:
    "Runs the control loop on Kubernetes: watches VariantAutoscalings, their targets, nodes and\n" +
    "ConfigMaps; reads vLLM metrics from Prometheus; decides replicas per variant; publishes\n" +
    "wva_desired_replicas for HPA/KEDA, writes each VA's status and, with --direct-scale, scales.\n" +
    "Precedence: flags > environment [VARS] > --config file > defaults.",
  footer: [
    "Examples:",
    "  wva controller --kubeconfig ~/.kube/config --prometheus-url http://localhost:9090",
    "  wva controller --in-cluster --leader-elect --prometheus-url https://prom:9090 \\",
    "    --prometheus-ca-file /etc/prom/ca.crt --prometheus-token-file /var/run/secrets/token",
  ].join("\n"),
};

/** Entry point of `wva controller`; returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const flags = parseCommandLine(argv, CONTROLLER_FLAGS, HELP);
  if (flags === undefined) return 0;
  const config = await loadConfig(CONTROLLER_CONFIG, flags, { env: Deno.env.toObject() });
  const logger = createLogger({ level: config.logLevel, base: { mode: "controller" } });
  let handle;
  try {
    handle = startController(config, { logger });
  } catch (err) {
    if (err instanceof KubeConfigError) throw new ConfigError([err.message]);
    throw err;
  }
  await new Promise<void>((resolve) => {
    const stop = () => {
      Deno.removeSignalListener("SIGTERM", stop);
      Deno.removeSignalListener("SIGINT", stop);
      logger.info("signal-received", {});
      resolve();
    };
    Deno.addSignalListener("SIGTERM", stop);
    Deno.addSignalListener("SIGINT", stop);
  });
  await handle.stop();
  return 0;
}
