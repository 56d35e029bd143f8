/**
 * `deno task gen:crd`: writes `manifests/crd.yaml` from the zod schemas in src/core/api/v1alpha1.ts.
 * `--check` writes nothing and exits 1 when the file differs from what the schemas give.
 *
 * @module
 */
import { renderCrdYaml } from "../src/core/api/crd.ts";

/** Path of the generated CRD, relative to the repository root. */
export const CRD_PATH = new URL("../manifests/crd.yaml", import.meta.url).pathname;

if (import.meta.main) {
  const text = renderCrdYaml();
  if (Deno.args.includes("--check")) {
    const current = await Deno.readTextFile(CRD_PATH).catch(() => "");
    if (current !== text) {
      console.error(`${CRD_PATH} is out of date: run \`deno task gen:crd\``);
      Deno.exit(1);
    }
    console.log(`${CRD_PATH} is up to date`);
  } else {
    await Deno.writeTextFile(CRD_PATH, text);
    console.log(`wrote ${CRD_PATH}`);
  }
}
