import { strict as assert } from "node:assert";
import { runScenario } from "../../src/core/bench/run.ts";
import { parseScenario } from "../../src/core/bench/scenario/scenario.ts";
import { benchSummary } from "../../src/core/bench/summary.ts";
import { ConfigError, parseYamlText } from "../../src/core/util/validate.ts";
import { EXACT_VARIANT } from "./helpers.ts";

const EXAMPLES = new URL("../../examples/bench/", import.meta.url);

Deno.test("every shipped bench scenario parses", async (t) => {
  for (const entry of Deno.readDirSync(EXAMPLES)) {
    if (!entry.name.endsWith(".yaml")) continue;
    await t.step(entry.name, () => {
      const text = Deno.readTextFileSync(new URL(entry.name, EXAMPLES));
      const s = parseScenario(parseYamlText(text, entry.name), entry.name);
      // demo-quick.yaml is `wva demo` as a scenario (the real-time check): its one arm is the demo's.
      assert.ok(s.arms.length >= (entry.name === "demo-quick.yaml" ? 1 : 3));
    });
  }
});

Deno.test("the paper scenario carries every baseline of baselines.md §7/§5 and the three-job ramp", () => {
  const text = Deno.readTextFileSync(new URL("paper.yaml", EXAMPLES));
  const s = parseScenario(parseYamlText(text, "paper.yaml"));
  const names = s.arms.map((a) => a.name);
  for (
    const n of [
      "hpa-fork",
      "hpa-default",
      "keda-queue",
      "keda-saturation",
      "keda-queue-guard",
      "static-peak",
      "static-mean",
    ]
  ) {
    assert.ok(names.includes(n), n);
  }
  assert.deepEqual(s.models[0]!.load!.jobs!.map((j) => [j.startSec, j.ratePerSec]), [[0, 20], [
    120,
    30,
  ], [240, 15]]);
  const fork = s.arms.find((a) => a.name === "hpa-fork")!;
  assert.ok(fork.type === "hpa" && fork.hpa.behavior?.scaleDown.selectPolicy === "Min");
  const legacy = s.arms.find((a) => a.name === "hpa-default")!;
  assert.ok(legacy.type === "hpa" && legacy.hpa.behavior === undefined);
});

function problems(doc: unknown): string[] {
  try {
    parseScenario(doc, "bad.yaml");
  } catch (err) {
    if (err instanceof ConfigError) return [...err.problems];
    throw err;
  }
  return [];
}

const MODEL = { name: "m", variants: [EXACT_VARIANT], load: { stages: "10s@1rps" } };

Deno.test("a bad scenario is one line per problem naming the field and the value", async (t) => {
  const cases = [
    {
      name: "unknown preset",
      doc: { models: [MODEL], arms: ["keda-q"] },
      want: /^bad\.yaml: arms\[0\]: unknown preset "keda-q" \(known: hpa-fork/,
    },
    {
      name: "bad override",
      doc: { models: [MODEL], arms: [{ preset: "hpa-fork", hpa: { maxReplicas: 0 } }] },
      want: /^bad\.yaml: arms\[0\]\.hpa\.maxReplicas: .*\(got 0\)/,
    },
    {
      name: "unknown arm field",
      doc: { models: [MODEL], arms: [{ preset: "static-peak", replica: 3 }] },
      want: /^bad\.yaml: arms\[0\]: Unrecognized key.*replica/,
    },
    {
      name: "duplicate arm",
      doc: { models: [MODEL], arms: ["hpa-fork", "hpa-fork"] },
      want: /arms\[1\]\.name: arm name "hpa-fork" is used twice/,
    },
    {
      name: "no load",
      doc: { models: [{ ...MODEL, load: undefined }], arms: ["static-peak"] },
      want: /^bad\.yaml: models\[0\]\.load: no load/,
    },
    {
      name: "bad preset",
      doc: {
        models: [{ ...MODEL, variants: [{ name: "v", preset: "B200" }] }],
        arms: ["static-peak"],
      },
      want: /models\[0\]\.variants\[0\]\.preset: .*\(got "B200"\)/,
    },
    {
      name: "bad fault",
      doc: { models: [MODEL], arms: ["static-peak"], faults: { scrapeLoss01: 2 } },
      want: /faults\.scrapeLoss01: .*\(got 2\)/,
    },
    {
      name: "bad formula",
      doc: {
        models: [MODEL],
        arms: [{
          preset: "keda-queue-guard",
          scaledObject: { advanced: { scalingModifiers: { formula: "max(" } } },
        }],
      },
      want: /arms\[0\]\.scaledObject\.advanced\.scalingModifiers\.formula: .*ends too early/,
    },
  ];
  for (const c of cases) {
    await t.step(c.name, () => {
      const lines = problems(c.doc);
      assert.ok(lines.some((l) => c.want.test(l)), lines.join("\n"));
    });
  }
  const many = problems({
    models: [MODEL],
    arms: ["nope"],
    faults: { neverStart01: -1 },
    cluster: { loadingDelaySec: "slow" },
  });
  assert.equal(many.length, 3, many.join("\n"));
});

Deno.test("a sweep runs every arm at every point and labels the entries", () => {
  const s = parseScenario({
    models: [{ ...MODEL, load: { stages: "20s@2rps", arrival: "constant" } }],
    arms: [{ name: "one", type: "static", replicas: { v: 1 } }],
    sweep: { parameter: "loadScale", values: [1, 2] },
  });
  const summary = benchSummary(runScenario(s), { scenario: "sweep", seed: 1, wallSeconds: 1 });
  assert.deepEqual(summary.arms.map((a) => [a.sweep?.value, a.requests]), [[1, 40], [2, 80]]);
});
