import assert from "node:assert/strict";
import { parseFlags } from "../../runtime/cli/flags.ts";
import { resolveConfig } from "../../runtime/config/resolve.ts";
import { flagSpecs } from "../../runtime/config/table.ts";
import { DEMO_CONFIG, DEMO_FLAGS } from "./flags.ts";

function demoConfig(argv: string[], file?: Record<string, unknown>) {
  return resolveConfig(DEMO_CONFIG, {
    flags: parseFlags(argv, flagSpecs(DEMO_FLAGS)).values,
    ...(file ? { file: { name: "demo.yaml", content: file } } : {}),
  });
}

Deno.test("demo flags set their config paths over the file", async (t) => {
  await t.step("--quick is the quick schedule", () => {
    assert.equal(demoConfig(["--quick"]).load.schedule, "quick");
  });
  await t.step("flags win over the file, the file's other keys stay", () => {
    const c = demoConfig(
      ["--interval", "2s", "--seed", "7", "--slo", "ttft=1s", "--loading-delay", "500ms"],
      { controller: { intervalMs: "9s", analyzer: "queueing-model" }, load: { seed: 3 } },
    );
    assert.equal(c.controller.intervalMs, 2000);
    assert.equal(c.controller.analyzer, "queueing-model");
    assert.equal(c.load.seed, 7);
    assert.deepEqual(c.load.slo, { ttftMs: 1000 });
    assert.equal(c.loadingDelayMs, 500);
  });
  await t.step("--out, --plain and --prometheus are not config fields", () => {
    const c = demoConfig(["--out", "x", "--plain", "--prometheus", "http://p:9090"]);
    assert.equal(c.load.schedule, "standard");
  });
});
