/**
 * Reads the shipped manifests (manifests/*.yaml, manifests/samples/*.yaml) and applies objects
 * with the cluster's own `kubectl apply --server-side`, as a user would.
 *
 * @module
 */
import { parseAllDocuments, stringify } from "yaml";
import { forEachLine } from "../../../runtime/child.ts";
import { ClusterDemoError, repoRoot } from "./scripts.ts";
import type { Obj, Samples } from "./manifests.ts";

/** Every document of a manifest file of this checkout (`manifests/...`). */
export async function readManifest(relative: string): Promise<Obj[]> {
  const text = await Deno.readTextFile(`${repoRoot()}/${relative}`);
  return parseAllDocuments(text).map((d) => d.toJSON()).filter((o): o is Obj => !!o);
}

/** The sample objects the demo instantiates. */
export async function readSamples(): Promise<Samples> {
  const emulator = await readManifest("manifests/samples/emulator-deployment.yaml");
  const one = (kind: string, objs: Obj[]) => {
    const o = objs.find((x) => x.kind === kind);
    if (!o) throw new ClusterDemoError(`no ${kind} in the samples`);
    return o;
  };
  return {
    deployment: one("Deployment", emulator),
    service: one("Service", emulator),
    variantAutoscaling: one(
      "VariantAutoscaling",
      await readManifest("manifests/samples/variantautoscaling.yaml"),
    ),
    scaledObject: one(
      "ScaledObject",
      await readManifest("manifests/samples/keda-scaledobject.yaml"),
    ),
  };
}

/** The cluster's kubectl with the admin kubeconfig. */
export interface Kubectl {
  /** Runs `kubectl ARGS` (stdin: `input`); resolves to stdout, throws with stderr on exit ≠ 0. */
  (args: readonly string[], input?: string): Promise<string>;
}

/** A {@linkcode Kubectl} for a binary directory and a kubeconfig. */
export function kubectlFor(binDir: string, kubeconfig: string): Kubectl {
  return async (args, input) => {
    const child = new Deno.Command(`${binDir}/kubectl`, {
      args: ["--kubeconfig", kubeconfig, ...args],
      stdin: input === undefined ? "null" : "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    if (input !== undefined) {
      const w = child.stdin.getWriter();
      await w.write(new TextEncoder().encode(input));
      await w.close();
    }
    const err: string[] = [];
    const errDone = forEachLine(child.stderr, (l) => err.push(l));
    const [out, status] = await Promise.all([new Response(child.stdout).text(), child.status]);
    await errDone;
    if (!status.success) {
      throw new ClusterDemoError(`kubectl ${args.join(" ")} failed: ${err.join("\n")}`);
    }
    return out;
  };
}

/** `kubectl apply --server-side` of the objects (one multi-document YAML). */
export async function applyObjects(kubectl: Kubectl, objects: readonly Obj[]): Promise<void> {
  if (objects.length === 0) return;
  const text = objects.map((o) => stringify(o)).join("---\n");
  await kubectl([
    "apply",
    "--server-side",
    "--force-conflicts",
    "--field-manager=wva-demo",
    "-f",
    "-",
  ], text);
}

/**
 * The controller's manifests: the CRD (waited for until Established), the `wva-system`
 * namespace, RBAC and the ConfigMaps given (the shipped ones with the caller's entries). The
 * controller's own Deployment (manifests/controller.yaml) is not applied: the demo runs the
 * controller as a process.
 */
export async function applyControllerManifests(
  kubectl: Kubectl,
  configMaps: readonly Obj[],
): Promise<void> {
  const crd = await readManifest("manifests/crd.yaml");
  await applyObjects(kubectl, crd);
  for (const c of crd) {
    await kubectl([
      "wait",
      "--for=condition=Established",
      "--timeout=60s",
      `crd/${c.metadata.name}`,
    ]);
  }
  const ns = { apiVersion: "v1", kind: "Namespace", metadata: { name: "wva-system" } };
  await applyObjects(kubectl, [ns, ...(await readManifest("manifests/rbac.yaml")), ...configMaps]);
}
