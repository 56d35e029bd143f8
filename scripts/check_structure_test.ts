import assert from "node:assert/strict";
import { fileProblems, MAX_FUNCTION_LINES } from "./check_structure.ts";
import { importProblem, layerOf } from "./lib/layer_rules.ts";
import { scanSource } from "./lib/ts_scan.ts";

function problems(path: string, text: string): string[] {
  return fileProblems(path, text, scanSource(path, text));
}

const LAYER_CASES: ReadonlyArray<
  { name: string; from: string; text: string; want: RegExp | null }
> = [
  {
    name: "core importing runtime fails",
    from: "src/core/cycle/x.ts",
    text: `import { log } from "../../runtime/log.ts";`,
    want: /core may not import runtime/,
  },
  {
    name: "a type-only import counts",
    from: "src/core/cycle/x.ts",
    text: `import type { Kube } from "../../adapters/kubernetes/kube/mod.ts";`,
    want: /core may not import adapter/,
  },
  {
    name: "a dynamic import counts",
    from: "src/runtime/x.ts",
    text: `const m = await import("../modes/demo/main.ts");`,
    want: /runtime may not import mode/,
  },
  {
    name: "a re-export counts",
    from: "src/core/x.ts",
    text: `export { a } from "../../emulator/serve.ts";`,
    want: /core may not import emulator/,
  },
  {
    name: "core may use zod and yaml but not other npm or node modules",
    from: "src/core/api/x.ts",
    text: `import { z } from "zod";\nimport { parse } from "yaml";\nimport fs from "node:fs";`,
    want: /core may not import node:fs/,
  },
  {
    name: "an adapter importing another adapter fails",
    from: "src/adapters/kubernetes/a.ts",
    text: `import { g } from "../prometheus/wva_gauges.ts";`,
    want: /adapter 'kubernetes' may not import another adapter 'prometheus'/,
  },
  {
    name: "a mode importing another mode fails",
    from: "src/modes/demo/a.ts",
    text: `import { c } from "../controller/controller.ts";`,
    want: /mode 'demo' may not import another mode 'controller'/,
  },
  {
    name: "the emulator engine is core",
    from: "emulator/engine/engine.ts",
    text: `import { s } from "../serve.ts";`,
    want: /core may not import emulator/,
  },
  {
    name: "allowed: mode → adapter → runtime → core",
    from: "src/modes/demo/a.ts",
    text:
      `import { p } from "../../adapters/local/pool.ts";\nimport { l } from "../../runtime/loop.ts";\nimport { t } from "../../core/contract/types.ts";`,
    want: null,
  },
  {
    name: "a doc example in a comment is not an import",
    from: "src/core/x.ts",
    text:
      '/**\n * ```ts\n * import { a } from "../runtime/log.ts";\n * ```\n */\nexport const x = 1;',
    want: null,
  },
  {
    name: "test files are exempt",
    from: "src/core/x_test.ts",
    text: `import { l } from "../runtime/log.ts";`,
    want: null,
  },
];

Deno.test("fileProblems() applies the layer rules to the real import graph", async (t) => {
  for (const c of LAYER_CASES) {
    await t.step(c.name, () => {
      const got = problems(c.from, c.text);
      if (c.want === null) assert.deepEqual(got, []);
      else assert.ok(got.some((p) => c.want!.test(p)), got.join("\n") || "(no problems)");
    });
  }
});

const PURITY_CASES: ReadonlyArray<{ name: string; code: string; bad: boolean }> = [
  { name: "Date.now()", code: "export const t = Date.now();", bad: true },
  { name: "new Date()", code: "export const t = new Date();", bad: true },
  { name: "new Date(ms) is pure", code: "export const t = new Date(5).toISOString();", bad: false },
  { name: "Math.random()", code: "export const r = Math.random();", bad: true },
  { name: "setTimeout", code: "setTimeout(() => {}, 1);", bad: true },
  { name: "fetch", code: "export const f = () => fetch('http://x');", bad: true },
  { name: "Deno I/O", code: "export const s = Deno.readTextFileSync('x');", bad: true },
  { name: "a Deno type is fine", code: "export type F = Deno.FileInfo;", bad: false },
  {
    name: "a field named fetch is fine",
    code: "export const o = { fetch: 1 }; o.fetch;",
    bad: false,
  },
  {
    name: "a comment is fine",
    code: "// Date.now() is forbidden\nexport const a = 1;",
    bad: false,
  },
];

Deno.test("fileProblems() finds clock, randomness, timers and I/O in core only", async (t) => {
  for (const c of PURITY_CASES) {
    await t.step(c.name, () => {
      assert.equal(problems("src/core/model/x.ts", c.code).length > 0, c.bad);
      assert.deepEqual(problems("src/runtime/x.ts", c.code), [], "runtime may do I/O");
    });
  }
});

Deno.test("fileProblems() fails a function over the limit, nested or not", () => {
  const body = Array.from({ length: MAX_FUNCTION_LINES }, (_, i) => `  const v${i} = ${i};`);
  const long = `export function big() {\n${body.join("\n")}\n}`;
  const got = problems("src/runtime/x.ts", long);
  assert.equal(got.length, 1);
  assert.match(got[0]!, /function big is 82 lines \(max 80\)/);
  const inner = `export const f = () => {\n  return function inner() {\n${
    body.join("\n")
  }\n  };\n};`;
  assert.ok(problems("src/runtime/x.ts", inner).some((p) => /function inner is/.test(p)));
  const short = `export function small() {\n  return 1;\n}`;
  assert.deepEqual(problems("src/runtime/x.ts", short), []);
});

Deno.test("layerOf() and importProblem() classify the tree", () => {
  assert.equal(layerOf("src/core/model/gen1.ts")?.layer, "core");
  assert.equal(layerOf("emulator/engine/engine.ts")?.layer, "core");
  assert.equal(layerOf("emulator/app.ts")?.layer, "emulator");
  assert.deepEqual(layerOf("src/adapters/local/pool.ts"), { layer: "adapter", unit: "local" });
  assert.deepEqual(layerOf("src/modes/demo/main.ts"), { layer: "mode", unit: "demo" });
  assert.equal(layerOf("tests/x.ts"), undefined);
  assert.equal(importProblem("main.ts", "src/modes/demo/main.ts", true), undefined);
  assert.match(importProblem("main.ts", "src/adapters/local/pool.ts", true)!, /entry may not/);
  assert.match(importProblem("src/core/a.ts", "tests/x.ts", true)!, /outside the layered tree/);
});
