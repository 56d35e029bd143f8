import assert from "node:assert/strict";
import { ConfigError, InputError } from "../../core/util/validate.ts";
import { parseFlags } from "../../runtime/cli/flags.ts";
import { flagSpecs } from "../../runtime/config/table.ts";
import { LOADGEN_FLAGS, loadgenConfig } from "./flags.ts";
import { LoadgenOptionsSchema } from "../../core/load/options.ts";

function input(argv: string[]) {
  return loadgenConfig(parseFlags(argv, flagSpecs(LOADGEN_FLAGS)).values);
}

/** The one line a bad command line prints (exit 2): an InputError, or a ConfigError of one line. */
function usageLine(e: unknown): string | undefined {
  if (e instanceof InputError) return e.message;
  if (e instanceof ConfigError && e.problems.length === 1) return e.problems[0];
  return undefined;
}

Deno.test("loadgenConfig() turns every flag into schema-valid settings", async () => {
  const got = LoadgenOptionsSchema.parse(
    await input([
      "--url",
      "http://h:1/v1/",
      "--model",
      "m",
      "--api",
      "completions",
      "--stages",
      "10s@1..3rps,5s@120rpm",
      "--arrival",
      "gamma",
      "--cv",
      "2",
      "--seed",
      "9",
      "--prompt-tokens",
      "10..20",
      "--output-tokens",
      "normal:50:5",
      "--no-stream",
      "--timeout",
      "2s",
      "--drain",
      "0s",
      "--header",
      "X-A: 1",
      "--api-key",
      "k",
      "--slo",
      "ttft=1s",
      "--max-concurrency",
      "4",
    ]),
  );
  assert.equal(got.url, "http://h:1/v1");
  assert.deepEqual(got.stages, [
    { durationMs: 10_000, fromRatePerSec: 1, toRatePerSec: 3 },
    { durationMs: 5000, fromRatePerSec: 2, toRatePerSec: 2 },
  ]);
  assert.equal(got.arrival, "gamma");
  assert.equal(got.cv, 2);
  assert.equal(got.seed, 9);
  assert.deepEqual(got.promptTokens, { kind: "uniform", min: 10, max: 20 });
  assert.equal(got.outputTokens.kind, "normal");
  assert.equal(got.stream, false);
  assert.equal(got.timeoutMs, 2000);
  assert.equal(got.drainMs, 0);
  assert.deepEqual(got.headers, { "X-A": "1", Authorization: "Bearer k" });
  assert.deepEqual(got.slo, { ttftMs: 1000 });
  assert.equal(got.maxConcurrency, 4);
});

Deno.test("loadgenConfig() reads the seeds' --rate forms and constant rates", async (t) => {
  const cases: Array<[string[], number[][]]> = [
    [["--rate", "[[120, 60], [120, 80]]"], [[120_000, 1], [120_000, 80 / 60]]],
    [["--rate", "60"], [[Infinity, 1]]],
    [["--rate", "2rps", "--duration", "1m"], [[60_000, 2]]],
  ];
  for (const [argv, want] of cases) {
    await t.step(argv.join(" "), async () => {
      const got = LoadgenOptionsSchema.parse(await input(argv));
      assert.deepEqual(got.stages.map((s) => [s.durationMs, s.fromRatePerSec]), want);
      assert.equal(got.arrival, "poisson");
    });
  }
});

Deno.test("loadgenConfig() reads stages from a YAML file", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(
      `${dir}/plan.yaml`,
      "stages:\n  - 30s@1rps\n  - {duration: 1m, from: 1rps, to: 5rps}\n",
    );
    const got = await input(["--stages", `${dir}/plan.yaml`]);
    assert.equal(got.stages.length, 2);
    await Deno.writeTextFile(`${dir}/bad.yaml`, "stages:\n  - {duration: 1m, rate: 5}\n");
    await assert.rejects(
      () => input(["--stages", `${dir}/bad.yaml`]),
      /bad.yaml: stages\[0\].rate: rate "5" needs a unit/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("loadgenConfig() rejects bad values with one line naming the flag", async (t) => {
  const cases: Array<[string[], RegExp]> = [
    [[], /give a schedule/],
    [["--rate", "1rps", "--stages", "1s@1rps"], /either --rate or --stages/],
    [["--stages", "1s@1rps", "--duration", "1m"], /--duration applies to a constant --rate only/],
    [["--rate", "1rps", "--arrival", "bursty"], /--arrival: expected constant, poisson or gamma/],
    [["--rate", "1rps", "--api", "embeddings"], /--api: expected chat or completions/],
    [["--rate", "1rps", "--cv", "0"], /--cv: expected a number > 0/],
    [["--rate", "1rps", "--header", "novalue"], /--header: expected "Name: value"/],
    [
      ["--rate", "1rps", "--prompt-tokens", "0"],
      /--prompt-tokens: "0" in "0" must be a whole number ≥ 1/,
    ],
    [["--rate", "1rps", "--url", "ftp://h/v1"], /--url: must be an http\(s\) URL ending in \/v1/],
    [["--rate", "1rps", "--timeout", "0ms"], /--timeout: must be longer than 0/],
    [["--rate", "1rps", "--progress", "loud"], /--progress: expected auto, tty, plain or none/],
    [["--rate", "1rps", "--seed", "1.5"], /--seed: expected an integer, got "1.5"/],
    [["--duration", "1m"], /give a schedule/],
  ];
  for (const [argv, re] of cases) {
    await t.step(argv.join(" ") || "(nothing)", async () => {
      await assert.rejects(
        () => input(argv),
        (e: unknown) => re.test(usageLine(e) ?? ""),
      );
    });
  }
});

Deno.test("loadgenConfig() defaults the URL and the outputs", async () => {
  const got = await input(["--rate", "1rps"]);
  assert.equal(got.url, "http://localhost:8000/v1");
  assert.deepEqual([got.progress, got.out, got.json], ["auto", undefined, false]);
  const outs = await input(["--rate", "1rps", "--progress", "none", "--out", "d", "--json"]);
  assert.deepEqual([outs.progress, outs.out, outs.json], ["none", "d", true]);
});
