import assert from "node:assert/strict";
import { ClusterDemoError, forEachLine, repoRoot, requireRoot } from "./scripts.ts";
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

Deno.test("forEachLine splits a stream into lines, the last one without a newline too", async () => {
  const lines: string[] = [];
  const body = new Response("a\nb\n\nc").body!;
  await forEachLine(body, (l) => lines.push(l));
  assert.deepEqual(lines, ["a", "b", "", "c"]);
});

Deno.test("wva demo --cluster refuses --prometheus before starting anything", async () => {
  await assert.rejects(
    main(["--cluster", "--prometheus", "http://127.0.0.1:1", "--out", await Deno.makeTempDir()]),
    (e: Error) => e instanceof InputError && /--prometheus: not with --cluster/.test(e.message),
  );
});
