import { strict as assert } from "node:assert";
import { parseFlags } from "../../runtime/cli/flags.ts";
import { resolveConfig } from "../../runtime/config/resolve.ts";
import { flagSpecs } from "../../runtime/config/table.ts";
import { ConfigError, InputError } from "../../core/util/validate.ts";
import { BENCH_CONFIG, BENCH_FLAGS, readList, readSweep } from "./flags.ts";

function resolve(argv: string[]) {
  return resolveConfig(BENCH_CONFIG, { flags: parseFlags(argv, flagSpecs(BENCH_FLAGS)).values });
}

function problems(argv: string[]): string[] {
  try {
    resolve(argv);
  } catch (err) {
    if (err instanceof ConfigError) return [...err.problems];
    throw err;
  }
  return [];
}

Deno.test("readList() and readSweep() read the comma lists of --arms and --sweep", () => {
  assert.deepEqual(readList(" a, b,,c "), ["a", "b", "c"]);
  assert.deepEqual(readSweep("loadingDelaySec=30,60", "--sweep"), {
    parameter: "loadingDelaySec",
    values: [30, 60],
  });
  assert.throws(() => readSweep("30,60", "--sweep"), InputError);
  assert.throws(() => readSweep("loadScale=1,fast", "--sweep"), /--sweep: expected a number/);
});

Deno.test("wva bench flags resolve to the schema's config", () => {
  const c = resolve([
    "-s",
    "x.yaml",
    "--arms",
    "a,b",
    "--seed",
    "7",
    "--sweep",
    "loadScale=1,2",
    "--load-seconds",
    "90",
    "--markdown",
  ]);
  assert.deepEqual(c, {
    scenario: "x.yaml",
    arms: ["a", "b"],
    seed: 7,
    sweep: { parameter: "loadScale", values: [1, 2] },
    loadSeconds: 90,
    markdown: true,
    plain: false,
  });
});

Deno.test("bad wva bench flags are one line each, naming the flag and the value", async (t) => {
  const cases: [string[], RegExp][] = [
    [[], /^--scenario: is required/],
    [["-s", "x", "--seed", "1.5"], /^--seed: expected an integer, got "1\.5"$/],
    [["-s", "x", "--sweep", "loadScale=0,1"], /^--sweep: sweep\.values\[0\]: .*\(got 0\)$/],
    [["-s", "x", "--arms", ","], /^--arms: names no arm/],
    [["-s", "x", "--load-seconds", "0"], /^--load-seconds: expected a number > 0, got "0"$/],
  ];
  for (const [argv, want] of cases) {
    await t.step(argv.join(" ") || "(none)", () => {
      const lines = problems(argv);
      assert.equal(lines.length, 1, lines.join("\n"));
      assert.match(lines[0]!, want);
    });
  }
});
