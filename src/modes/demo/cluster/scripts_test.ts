import assert from "node:assert/strict";
import { ClusterDemoError, repoRoot, requireRoot } from "./scripts.ts";
import { main } from "../main.ts";
import { InputError } from "../../../core/util/validate.ts";

Deno.test("requireRoot: root passes; anyone else is told why and what to run instead", () => {
  requireRoot(0);
  assert.throws(
    () => requireRoot(1000),
    (e: Error) =>
      e instanceof ClusterDemoError && /needs root/.test(e.message) &&
      /network namespace/.test(e.message) &&
      /wva demo$/.test(e.message),
  );
});

Deno.test("repoRoot points at this checkout (the scripts the mode runs)", async () => {
  assert.ok((await Deno.stat(`${repoRoot()}/scripts/testcluster.sh`)).isFile);
});

Deno.test("wva demo --cluster refuses --prometheus before starting anything", async () => {
  await assert.rejects(
    main(["--cluster", "--prometheus", "http://127.0.0.1:1", "--out", await Deno.makeTempDir()]),
    (e: Error) => e instanceof InputError && /--prometheus: not with --cluster/.test(e.message),
  );
});
