import assert from "node:assert/strict";
import { parse as parseYaml, parseAllDocuments } from "yaml";
import { parseVariantAutoscaling } from "../../src/core/api/v1alpha1.ts";
import { migrate, repoFile } from "./helpers.ts";

const VA_SAMPLE = repoFile("manifests/samples/variantautoscaling.yaml");

function docs(yaml: string): Record<string, unknown>[] {
  return parseAllDocuments(yaml).map((d) => d.toJS() as Record<string, unknown>);
}

Deno.test("wva migrate --help and a bad flag", async () => {
  const help = await migrate(["--help"]);
  assert.equal(help.code, 0, help.stderr);
  assert.match(help.stdout, /^Usage: wva migrate --to hpa\|scaledobject\|va/);
  const bad = await migrate(["--definitely-not-a-flag"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /definitely-not-a-flag/);
  assert.doesNotMatch(bad.stderr, /\n\s+at /);
});

Deno.test("wva migrate round-trips the shipped VA through an HPA and a ScaledObject", async (t) => {
  const shipped = parseVariantAutoscaling(parseYaml(await Deno.readTextFile(VA_SAMPLE)));
  assert.ok(shipped.ok);
  for (const to of ["hpa", "scaledobject"] as const) {
    await t.step(to, async () => {
      const there = await migrate(["--to", to, "-f", VA_SAMPLE]);
      assert.equal(there.code, 0, there.stderr);
      const [scaler] = docs(there.stdout);
      assert.equal(scaler!.kind, to === "hpa" ? "HorizontalPodAutoscaler" : "ScaledObject");
      const back = await migrate(["--to", "va", "-f", "-", "-o", "json"], there.stdout);
      assert.equal(back.code, 0, back.stderr);
      assert.equal(back.stderr, "");
      const list = JSON.parse(back.stdout) as { kind: string; items: unknown[] };
      assert.equal(list.kind, "List");
      assert.equal(list.items.length, 1);
      const va = parseVariantAutoscaling(list.items[0]);
      assert.ok(va.ok, va.ok ? "" : va.problems.join("\n"));
      assert.deepEqual(va.va.spec, shipped.va.spec);
      assert.deepEqual(va.va.metadata, shipped.va.metadata);
    });
  }
});

Deno.test("wva migrate reads several files and documents; notes go to stderr", async () => {
  const dir = await Deno.makeTempDir({ prefix: "wva-migrate-" });
  try {
    const two = `${await Deno.readTextFile(VA_SAMPLE)}---\n` +
      (await Deno.readTextFile(VA_SAMPLE)).replaceAll("vllme-deployment", "other");
    await Deno.writeTextFile(`${dir}/two.yaml`, two);
    const r = await migrate([
      "--to",
      "hpa",
      "-f",
      `${dir}/two.yaml`,
      "-f",
      repoFile("manifests/samples/hpa.yaml"),
    ]);
    assert.equal(r.code, 0, r.stderr);
    const out = docs(r.stdout);
    assert.deepEqual(out.map((d) => (d.metadata as { name: string }).name), [
      "vllme-deployment",
      "other",
    ]);
    assert.match(
      r.stderr,
      /^wva migrate: note: .*hpa\.yaml#1: HorizontalPodAutoscaler llm-d-sim\/vllme-deployment skipped: not a llmd\.ai\/v1alpha1 VariantAutoscaling$/m,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("wva migrate: bad input is one line per problem, exit 2, nothing on stdout", async (t) => {
  const badVa = `apiVersion: llmd.ai/v1alpha1
kind: VariantAutoscaling
metadata: {name: v, namespace: ns}
spec:
  scaleTargetRef: {kind: Job, name: d}
  modelID: m
  variantCost: "abc"
`;
  const badHpa = JSON.stringify({
    apiVersion: "autoscaling/v2",
    kind: "HorizontalPodAutoscaler",
    metadata: {
      name: "h",
      namespace: "ns",
      annotations: { "llm-d.ai/managed": "true", "llm-d.ai/variant-cost": "abc" },
    },
    spec: { scaleTargetRef: { name: "d" }, maxReplicas: 2 },
  });
  const cases: { name: string; args: string[]; input?: string; want: string[] }[] = [
    {
      name: "an invalid VA",
      args: ["--to", "hpa", "-f", "-"],
      input: badVa,
      want: [
        'wva migrate: stdin#1: VariantAutoscaling ns/v: spec.scaleTargetRef.kind: Invalid option: expected one of "Deployment"|"StatefulSet" (got "Job")',
        'wva migrate: stdin#1: VariantAutoscaling ns/v: spec.variantCost: Invalid string: must match pattern /^\\d+(\\.\\d+)?$/ (got "abc")',
      ],
    },
    {
      name: 'malformed annotations (cost "abc", missing model id)',
      args: ["--to", "va", "-f", "-"],
      input: badHpa,
      want: [
        "wva migrate: stdin#1: HorizontalPodAutoscaler ns/h: llm-d.ai/model-id: required on a managed scaler: the model the target serves (missing)",
        'wva migrate: stdin#1: HorizontalPodAutoscaler ns/h: llm-d.ai/variant-cost: must be a number ≥ 0 (the cost of one replica) (got "abc")',
      ],
    },
    {
      name: "not YAML",
      args: ["--to", "va", "-f", "-"],
      input: "kind: [",
      want: ["wva migrate: stdin: not valid YAML/JSON at line 1, column 8: BAD_INDENT"],
    },
    {
      name: "flags: missing --to, --file with --kubeconfig",
      args: ["-f", "x.yaml", "--kubeconfig", "k"],
      want: ["wva migrate: --to: missing --to hpa|scaledobject|va (missing)"],
    },
    {
      name: "flags: --file with --kubeconfig, --prometheus-url without scaledobject",
      args: ["--to", "hpa", "-f", "x.yaml", "--kubeconfig", "k", "--prometheus-url", "http://p"],
      want: [
        'wva migrate: --kubeconfig: reads the cluster; --file reads files: give one or the other (got "k")',
        'wva migrate: --prometheus-url: only applies to --to scaledobject (got "http://p")',
      ],
    },
    {
      name: "a missing file",
      args: ["--to", "hpa", "-f", "/nonexistent/va.yaml"],
      want: ["wva migrate: /nonexistent/va.yaml: cannot read: file not found"],
    },
  ];
  for (const c of cases) {
    await t.step(c.name, async () => {
      const r = await migrate(c.args, c.input);
      assert.equal(r.code, 2, r.stderr);
      assert.equal(r.stdout, "");
      assert.deepEqual(r.stderr.trimEnd().split("\n"), c.want);
    });
  }
});
