import assert from "node:assert/strict";
import { parse as parseYaml } from "yaml";
import { parseAnalyzerPipeline, splitAnalyzerKeys } from "./analyzers.ts";

function parse(yaml: string) {
  return parseAnalyzerPipeline(parseYaml(yaml) as Record<string, unknown>);
}

Deno.test("parseAnalyzerPipeline() reads WVA's analyzers list and legacy analyzerName", async (t) => {
  const cases: {
    name: string;
    yaml: string;
    want: { analyzers: Record<string, unknown>[]; saturationVotes: boolean; source: string };
  }[] = [
    {
      name: "shipped default: [{name: saturation, score: 1.0}]",
      yaml: "analyzers: [{name: saturation, score: 1.0}]\nkvCacheThreshold: 0.8",
      want: {
        analyzers: [{
          type: "saturation",
          name: "saturation",
          enabled: true,
          score: 1,
          parameters: {},
        }],
        saturationVotes: true,
        source: "analyzers",
      },
    },
    {
      name: "saturation + throughput; parameters fold in, the typed field wins",
      yaml: `analyzers:
  - name: saturation
  - type: throughput
    name: tput
    scaleUpThreshold: 0.9
    parameters: {scaleUpThreshold: 0.5, scaleDownBoundary: "0.6", score: "2", minSamples: 12, custom: x}`,
      want: {
        analyzers: [
          { type: "saturation", name: "saturation", enabled: true, score: 1, parameters: {} },
          {
            type: "throughput",
            name: "tput",
            enabled: true,
            score: 2,
            scaleUpThreshold: 0.9,
            scaleDownBoundary: 0.6,
            parameters: { minSamples: 12, custom: "x" },
          },
        ],
        saturationVotes: true,
        source: "analyzers",
      },
    },
    {
      name: "throughput only: saturation runs but does not vote",
      yaml: "analyzers: [{type: throughput}]",
      want: {
        analyzers: [{
          type: "throughput",
          name: "throughput",
          enabled: true,
          score: 1,
          parameters: {},
        }],
        saturationVotes: false,
        source: "analyzers",
      },
    },
    {
      name: "saturation listed but disabled; score 0 reads as 1; saturation-v2 alias",
      yaml: "analyzers: [{name: saturation-v2, enabled: false, score: 0}]",
      want: {
        analyzers: [{
          type: "saturation",
          name: "saturation-v2",
          enabled: false,
          score: 1,
          parameters: {},
        }],
        saturationVotes: false,
        source: "analyzers",
      },
    },
    {
      name: "legacy analyzerName: saturation",
      yaml: "analyzerName: saturation",
      want: {
        analyzers: [{
          type: "saturation",
          name: "saturation",
          enabled: true,
          score: 1,
          parameters: {},
        }],
        saturationVotes: true,
        source: "analyzerName",
      },
    },
    {
      name: "a non-empty list wins over analyzerName",
      yaml: "analyzerName: saturation\nanalyzers: [{type: throughput}]",
      want: {
        analyzers: [{
          type: "throughput",
          name: "throughput",
          enabled: true,
          score: 1,
          parameters: {},
        }],
        saturationVotes: false,
        source: "analyzers",
      },
    },
    {
      name: "nothing selected (empty list, empty name)",
      yaml: "analyzers: []\nanalyzerName: ''",
      want: { analyzers: [], saturationVotes: true, source: "none" },
    },
  ];
  for (const c of cases) {
    await t.step(c.name, () => {
      const r = parse(c.yaml);
      if (!r.ok) assert.fail(JSON.stringify(r.issues));
      assert.deepEqual(r.entry, c.want);
    });
  }
});

Deno.test("parseAnalyzerPipeline() names the field and the value of each problem", async (t) => {
  const cases: { name: string; yaml: string; want: [string, unknown, RegExp][] }[] = [
    {
      name: "unknown type",
      yaml: "analyzers: [{type: magic}]",
      want: [[
        "analyzers[0].type",
        "magic",
        /unknown analyzer: must be one of saturation, throughput/,
      ]],
    },
    {
      name: "neither type nor name",
      yaml: "analyzers: [{score: 2}]",
      want: [["analyzers[0].name", undefined, /type or name is required/]],
    },
    {
      name: "threshold above 1 (from parameters)",
      yaml: "analyzers: [{name: saturation, parameters: {scaleUpThreshold: 1.5}}]",
      want: [["analyzers[0].scaleUpThreshold", 1.5, /<=1/]],
    },
    {
      name: "up not above down",
      yaml: "analyzers: [{name: throughput, scaleUpThreshold: 0.6, scaleDownBoundary: 0.7}]",
      want: [["analyzers[0].scaleDownBoundary", 0.7, /below scaleUpThreshold \(0\.6\)/]],
    },
    {
      name: "negative score, enabled not a boolean",
      yaml: "analyzers: [{name: saturation, score: -1, enabled: yes}]",
      want: [
        ["analyzers[0].enabled", "yes", /Invalid input/],
        ["analyzers[0].score", -1, />=0/],
      ],
    },
    {
      name: "bad throughput parameter",
      yaml: "analyzers: [{type: throughput, parameters: {minSamples: 1}}]",
      want: [["analyzers[0].parameters.minSamples", 1, />=2/]],
    },
    {
      name: "the same name twice",
      yaml: "analyzers: [{name: saturation}, {type: throughput, name: saturation}]",
      want: [["analyzers[1].name", "saturation", /listed twice/]],
    },
    {
      name: "analyzers not a list",
      yaml: "analyzers: saturation",
      want: [["analyzers", "saturation", /must be a list/]],
    },
    {
      name: "unknown analyzerName",
      yaml: "analyzerName: saturation-v1",
      want: [["analyzerName", "saturation-v1", /unknown analyzer/]],
    },
  ];
  for (const c of cases) {
    await t.step(c.name, () => {
      const r = parse(c.yaml);
      if (r.ok) assert.fail(`expected issues, got ${JSON.stringify(r.entry)}`);
      assert.deepEqual(r.issues.map((i) => [i.field, i.value]), c.want.map(([f, v]) => [f, v]));
      r.issues.forEach((i, n) => assert.match(i.message, c.want[n]![2]));
    });
  }
});

Deno.test("splitAnalyzerKeys() separates the selection from the thresholds", () => {
  const s = splitAnalyzerKeys({ kvCacheThreshold: 0.9, analyzers: [], analyzerName: "saturation" });
  assert.deepEqual(s.selection, { analyzers: [], analyzerName: "saturation" });
  assert.deepEqual(s.rest, { kvCacheThreshold: 0.9 });
});
