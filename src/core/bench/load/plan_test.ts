import { strict as assert } from "node:assert";
import { ConfigError, describeZodError } from "../../util/validate.ts";
import { LoadSchema } from "./load_schema.ts";
import { buildRequestPlan } from "./plan.ts";
import { parseTrace } from "./trace.ts";

const PAPER = {
  jobs: [
    { startSec: 0, ratePerSec: 20, durationSec: 600 },
    { startSec: 120, ratePerSec: 30, durationSec: 600 },
    { startSec: 240, ratePerSec: 15, durationSec: 600 },
  ],
};

Deno.test("buildRequestPlan() overlaps the paper-like jobs", () => {
  const plan = buildRequestPlan([LoadSchema.parse({ ...PAPER, arrival: "constant" })], { seed: 1 });
  assert.equal(plan.count, 600 * 65);
  const m = plan.models[0]!;
  assert.equal(m.peakRatePerSec, 65);
  assert.deepEqual(m.stepsUpMs, [120_000, 240_000], "the two later job starts are steps up");
  assert.equal(plan.loadEndMs, 840_000);
  for (let i = 1; i < plan.count; i++) assert.ok(plan.atMs[i]! >= plan.atMs[i - 1]!);
  const in150to160 = plan.atMs.filter((t) => t >= 150_000 && t < 160_000).length;
  assert.equal(in150to160, 500, "20 + 30 req/s while the first two jobs overlap");
});

Deno.test("buildRequestPlan() is the same for the same seed and differs for another", () => {
  const load = LoadSchema.parse({
    stages: "60s@5rps",
    promptTokens: "64..256",
    outputTokens: "normal:128:32",
  });
  const a = buildRequestPlan([load], { seed: 7 }), b = buildRequestPlan([load], { seed: 7 });
  const c = buildRequestPlan([load], { seed: 8 });
  assert.deepEqual([a.atMs, a.promptTokens, a.outputTokens], [
    b.atMs,
    b.promptTokens,
    b.outputTokens,
  ]);
  assert.notDeepEqual(a.atMs, c.atMs);
});

Deno.test("buildRequestPlan() merges models in time order and applies scale", () => {
  const a = LoadSchema.parse({ rpm: [[60, 60]], arrival: "constant" });
  const b = LoadSchema.parse({ stages: "60s@2rps", arrival: "constant", scale: 0.5 });
  const plan = buildRequestPlan([a, b], { seed: 1 });
  assert.equal(plan.count, 60 + 60);
  assert.equal(plan.model.filter((m) => m === 1).length, 60);
  assert.equal(plan.models[1]!.peakRatePerSec, 1);
});

Deno.test("parseTrace() reads CSV and JSONL and names every bad row", async (t) => {
  await t.step("csv, unsorted, shifted to 0", () => {
    const tr = parseTrace("time,prompt_tokens,completion_tokens\n12,10,5\n10,20,6\n", {
      format: "csv",
      timeUnit: "s",
      source: "a.csv",
    });
    assert.deepEqual([...tr.atMs], [0, 2000]);
    assert.deepEqual([...tr.promptTokens], [20, 10]);
  });
  await t.step("jsonl in ms", () => {
    const tr = parseTrace(
      '{"timestamp": 100, "input_tokens": 3, "output_tokens": 4}\n{"timestamp": 350, "input": 1, "output": 1}\n',
      {
        format: "jsonl",
        timeUnit: "ms",
        source: "b.jsonl",
      },
    );
    assert.deepEqual([...tr.atMs], [0, 250]);
  });
  await t.step("bad rows", () => {
    try {
      parseTrace("timestamp,input_tokens,output_tokens\nx,1,1\n1,0,1\n", {
        format: "csv",
        timeUnit: "s",
        source: "c.csv",
      });
      assert.fail("expected an error");
    } catch (err) {
      assert.ok(err instanceof ConfigError);
      assert.deepEqual(err.problems, [
        "c.csv:2: timestamp is missing or not a number",
        "c.csv:3: input tokens must be a whole number ≥ 1",
      ]);
    }
  });
});

Deno.test("LoadSchema names the field and value of each problem", async (t) => {
  const cases = [
    {
      name: "two kinds at once",
      input: { rpm: [[60, 60]], stages: "60s@1rps" },
      want: /\(root\): give exactly one of rpm, stages, jobs or trace \(got rpm, stages\)/,
    },
    { name: "a bad stage", input: { stages: "60s@fast" }, want: /^stages: .*60s@fast/ },
    {
      name: "a bad length",
      input: { stages: "60s@1rps", outputTokens: "lots" },
      want: /^outputTokens: .*"lots"/,
    },
    {
      name: "a negative job rate",
      input: { jobs: [{ startSec: 0, ratePerSec: -1, durationSec: 10 }] },
      want: /^jobs\[0\]\.ratePerSec: .*\(got -1\)/,
    },
  ];
  for (const c of cases) {
    await t.step(c.name, () => {
      const r = LoadSchema.safeParse(c.input);
      assert.ok(!r.success);
      const lines = describeZodError(r.error, c.input);
      assert.ok(lines.some((l) => c.want.test(l)), lines.join("\n"));
    });
  }
});

Deno.test("drawAs: loadgen draws the loadgen's requests from the seed, whatever the model", () => {
  const load = (drawAs: string) =>
    LoadSchema.parse({ stages: "30s@2..10rps", promptTokens: "96..160", drawAs });
  const a = buildRequestPlan([load("loadgen"), load("loadgen")], { seed: 4 });
  const first = a.atMs.filter((_, i) => a.model[i] === 0);
  const second = a.atMs.filter((_, i) => a.model[i] === 1);
  assert.deepEqual(first, second, "both models get the seed's one stream");
  const one = buildRequestPlan([load("loadgen")], { seed: 4 });
  assert.deepEqual(one.atMs, first);
  const bench = buildRequestPlan([load("bench")], { seed: 4 });
  assert.notDeepEqual(bench.atMs, one.atMs, "the bench's own streams are forks per model");
  const bad = { jobs: PAPER.jobs, drawAs: "loadgen" };
  const r = LoadSchema.safeParse(bad);
  assert.ok(!r.success);
  assert.match(describeZodError(r.error, bad).join("\n"), /drawAs: loadgen draws one schedule/);
});
