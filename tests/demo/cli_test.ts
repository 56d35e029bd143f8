/**
 * `wva demo` command-line handling: the example files parse, and bad input exits 2 with a line
 * that names the flag or field (before anything is started).
 */
import assert from "node:assert/strict";
import { parseOrThrow } from "../../src/core/util/validate.ts";
import { readConfigFile } from "../../src/runtime/config/load.ts";
import { DemoConfigSchema } from "../../src/modes/demo/config.ts";
import { resolveSchedule } from "../../src/modes/demo/schedules.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

Deno.test("examples/demo/*.yaml are valid demo configurations", async () => {
  const files = [...Deno.readDirSync(`${ROOT}examples/demo`)].map((e) => e.name)
    .filter((n) => /\.ya?ml$/.test(n));
  assert.ok(files.length >= 2);
  for (const f of files) {
    const c = parseOrThrow(DemoConfigSchema, await readConfigFile(`${ROOT}examples/demo/${f}`), f);
    assert.ok(c.variants.length >= 2, f);
    assert.ok(resolveSchedule(c.load.schedule).stages.length > 0);
  }
});

Deno.test("wva demo rejects bad input with exit code 2 and a pointed message", async (t) => {
  const cases: ReadonlyArray<[string[], RegExp]> = [
    [["--analyzer", "magic"], /controller\.analyzer/],
    [["--interval", "soon"], /controller\.intervalMs: expected a duration/],
    [["--schedule", "fast please"], /--schedule/],
    [["--quick", "--schedule", "quick"], /cannot be combined/],
    [["--seed", "x"], /--seed/],
    [["--slo", "latency=1"], /--slo/],
    [["--config", "/nonexistent.yaml"], /file not found/],
    [["--bogus"], /bogus/],
  ];
  for (const [args, want] of cases) {
    await t.step(args.join(" "), async () => {
      const out = await new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", `${ROOT}main.ts`, "demo", ...args],
        cwd: ROOT,
        stdout: "piped",
        stderr: "piped",
      }).output();
      const err = new TextDecoder().decode(out.stderr);
      assert.equal(out.code, 2, err);
      assert.match(err, want);
      assert.ok(!err.includes("    at "), "no stack trace");
    });
  }
});
