/**
 * Every scenario shipped in examples/bench runs through `wva bench`'s runner, shortened to its
 * first seconds of load (`--load-seconds`), and gives sane figures: every arm sees the same
 * requests, no figure is NaN, failures add up, GPU time is spent, and the same seed gives the
 * same figures.
 */
import { strict as assert } from "node:assert";
import { summaryJson } from "../../src/core/bench/summary.ts";
import { BenchCliSchema } from "../../src/modes/bench/flags.ts";
import { loadScenario } from "../../src/modes/bench/main.ts";
import { runBench } from "../../src/modes/bench/run_bench.ts";

const EXAMPLES = new URL("../../examples/bench/", import.meta.url);
/** Seconds of load replayed: enough for a step or a ramp to begin (the fleet's 100 models: 60 s). */
const loadSeconds = (file: string) => (file === "fleet.yaml" ? 60 : 150);

async function run(file: string) {
  const cli = BenchCliSchema.parse({ scenario: new URL(file, EXAMPLES).pathname });
  const { scenario, traces } = await loadScenario(cli);
  let progress = "";
  const r = await runBench({
    scenario,
    run: { traces, loadSeconds: loadSeconds(file) },
    view: { isTty: false, write: (t) => (progress += t), plainIntervalMs: 0 },
    wallMs: () => 0,
  });
  return { scenario, ...r, progress };
}

const FINITE = [
  "requests",
  "completed",
  "failed",
  "goodputPerSec",
  "throughputPerSec",
  "gpuHours",
  "cost",
  "meanGpus",
  "maxReplicas",
] as const;

const files = [...Deno.readDirSync(EXAMPLES)].map((e) => e.name).filter((n) => n.endsWith(".yaml"))
  .sort();

Deno.test("every shipped scenario runs shortened, with sane and repeatable figures", async (t) => {
  assert.deepEqual(files, [
    "demo-quick.yaml",
    "fleet.yaml",
    "paper.yaml",
    "scale-from-zero.yaml",
    "spike.yaml",
    "tiering.yaml",
  ]);
  for (const file of files) {
    await t.step(file, async () => {
      const first = await run(file);
      const arms = first.summary.arms;
      assert.equal(arms.length, first.scenario.arms.length);
      assert.ok(arms.some((a) => a.type === "wva"), "a wva arm");
      const requests = arms[0]!.requests;
      assert.ok(requests > 0);
      for (const a of arms) {
        assert.equal(a.requests, requests, `${a.name}: same requests`);
        for (const k of FINITE) assert.ok(Number.isFinite(a[k]), `${a.name}.${k} = ${a[k]}`);
        for (const [k, v] of Object.entries(a.sloAttainment)) {
          assert.ok(v >= 0 && v <= 1, `${a.name}.sloAttainment.${k} = ${v}`);
        }
        const f = a.failures;
        assert.equal(a.failed, f.errors + f.rateLimited + f.timeouts + f.shed, a.name);
        assert.equal(a.completed + a.failed, a.requests, a.name);
        assert.ok(a.gpuHours > 0 || a.type === "static", `${a.name} held GPUs`);
        assert.ok(a.loadSeconds <= loadSeconds(file), `${a.name} load cut`);
        assert.match(first.progress, new RegExp(`  ${a.name}: `), "a progress line per arm");
      }
      assert.equal(first.reports.length, arms.length);
      const again = await run(file);
      assert.equal(summaryJson(again.summary), summaryJson(first.summary), "same seed");
    });
  }
});
