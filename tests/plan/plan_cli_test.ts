/**
 * `wva plan` as a user runs it: a subprocess on the shipped examples (the seed numbers must print
 * to every digit) and a table of bad inputs (exit 2, one line per problem naming the field path
 * and the value, no stack trace).
 */
import assert from "node:assert/strict";
import { parse as parseYaml, stringify as toYaml } from "yaml";

const ROOT = new URL("../../", import.meta.url).pathname;

async function plan(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "main.ts", "plan", ...args],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

const SEED_40 =
  "s=vllme-deployment:llm-d-sim; c=Premium; m=default/default; rate=40; tk=178; sol=1, sat=false, alloc={acc=A100; num=2; maxBatch=4; cost=80, val=40, servTime=21.49347, waitTime=69.7666, rho=0.71789724, maxRPM=25.31145}; slo-itl=24, slo-ttw=500, slo-tps=0";
const SEED_1 =
  "s=vllme-deployment:llm-d-sim; c=Premium; m=default/default; rate=1.33; tk=0; sol=1, sat=false, alloc={acc=A100; num=1; maxBatch=4; cost=40, val=-40, servTime=20.99, waitTime=0, rho=0, maxRPM=10801.08}; slo-itl=24, slo-ttw=500, slo-tps=0";

Deno.test("wva plan prints the seed logs' solution lines to every digit", async (t) => {
  await t.step("examples/plan/seed_40rpm.yaml", async () => {
    const r = await plan(["--file", "examples/plan/seed_40rpm.yaml"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, "");
    assert.deepEqual(r.stdout.split("\n"), [
      "Solution:",
      SEED_40,
      "AllocationByType:",
      "name=NVIDIA-A100-PCIE-80GB, count=2, limit=2, cost=80",
      "totalCost=80",
      "",
    ]);
  });
  await t.step("examples/plan/seed_1rpm.yaml", async () => {
    const r = await plan(["-f", "examples/plan/seed_1rpm.yaml"]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.stdout.split("\n").slice(1, 5), [
      SEED_1,
      "AllocationByType:",
      "name=NVIDIA-A100-PCIE-80GB, count=1, limit=2, cost=40",
      "totalCost=40",
    ]);
  });
});

Deno.test("wva plan --output json|yaml carries the seed numbers as numbers", async (t) => {
  for (const format of ["json", "yaml"]) {
    await t.step(format, async () => {
      const r = await plan(["--file", "examples/plan/seed_40rpm.yaml", "--output", format]);
      assert.equal(r.code, 0, r.stderr);
      const doc = format === "json" ? JSON.parse(r.stdout) : parseYaml(r.stdout);
      assert.deepEqual(doc.servers[0], {
        name: "vllme-deployment:llm-d-sim",
        class: "Premium",
        model: "default/default",
        rate: 40,
        candidates: 1,
        allocated: true,
        accelerator: "A100",
        numReplicas: 2,
        maxBatch: 4,
        cost: 80,
        value: 40,
        servTime: 21.49347,
        waitTime: 69.7666,
        rho: 0.71789724,
        maxRPM: 25.31145,
        saturated: false,
      });
      assert.deepEqual(doc.allocationByType, [{
        type: "NVIDIA-A100-PCIE-80GB",
        count: 2,
        limit: 2,
        cost: 80,
      }]);
      assert.equal(doc.totalCost, 80);
    });
  }
  await t.step("seed 1.33 rpm: value −40, maxRPM 10801.08", async () => {
    const r = await plan(["--file", "examples/plan/seed_1rpm.yaml", "-o", "json"]);
    const s = JSON.parse(r.stdout).servers[0];
    assert.deepEqual([s.numReplicas, s.cost, s.value, s.servTime, s.maxRPM], [
      1,
      40,
      -40,
      20.99,
      10801.08,
    ]);
  });
});

Deno.test("wva plan runs every shipped example", async (t) => {
  for await (const e of Deno.readDir(`${ROOT}examples/plan`)) {
    if (!e.name.endsWith(".yaml")) continue;
    await t.step(e.name, async () => {
      const r = await plan(["--file", `examples/plan/${e.name}`, "-o", "json"]);
      assert.equal(r.code, 0, r.stderr);
      const doc = JSON.parse(r.stdout);
      assert.ok(doc.servers.length > 0);
      assert.ok(
        doc.servers.every((s: { allocated: boolean }) => s.allocated || e.name.includes("limited")),
      );
      if (doc.model === "gen2") {
        assert.ok(doc.servers.every((s: object) => "itl" in s && "ttft" in s));
      }
    });
  }
});

const seedDoc = parseYaml(await Deno.readTextFile(`${ROOT}examples/plan/seed_40rpm.yaml`));

// deno-lint-ignore no-explicit-any -- a YAML document edited freely by the cases
function mutate(f: (doc: Record<string, any>) => void): string {
  const doc = structuredClone(seedDoc);
  f(doc);
  return toYaml(doc);
}

Deno.test("wva plan rejects bad input: exit 2, the field path and value, no stack trace", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "wva-plan-" });
  try {
    const cases: { name: string; args?: string[]; text?: string; expect: RegExp[] }[] = [
      { name: "missing --file", args: [], expect: [/missing --file FILE/] },
      {
        name: "bad --output",
        args: ["--file", "examples/plan/seed_40rpm.yaml", "-o", "xml"],
        expect: [/--output: must be one of table, json, yaml \(got "xml"\)/],
      },
      {
        name: "file not found",
        args: ["--file", `${dir}/nope.yaml`],
        expect: [/nope\.yaml: cannot read config file: file not found/],
      },
      { name: "not YAML", text: "accelerators: [\n", expect: [/not valid YAML\/JSON at line/] },
      {
        name: "wrong types, several at once",
        text: mutate((d) => {
          d.models[0].alpha = "fast";
          d.servers[0].currentAlloc.load.arrivalRate = -3;
        }),
        expect: [
          /models\[0\]\.alpha: .*\(got "fast"\)/,
          /servers\[0\]\.currentAlloc\.load\.arrivalRate: .*>=0.*\(got -3\)/,
        ],
      },
      {
        name: "misspelt key",
        text: mutate((d) => {
          d.serviceClasses[0].slo_itl = 3;
        }),
        expect: [/serviceClasses\[0\]: Unrecognized key: "slo_itl"/],
      },
      {
        name: "bad saturation policy",
        text: mutate((d) => {
          d.optimizer.saturationPolicy = "Greedy";
        }),
        expect: [/optimizer\.saturationPolicy: .*\(got "Greedy"\)/],
      },
      {
        name: "avgLength not an integer",
        text: mutate((d) => {
          d.servers[0].currentAlloc.load.avgLength = 178.5;
        }),
        expect: [/servers\[0\]\.currentAlloc\.load\.avgLength: .*int.*\(got 178\.5\)/],
      },
      {
        name: "unknown model, class and accelerator",
        text: mutate((d) => {
          d.servers[0].model = "ghost";
          d.servers[0].class = "Platinum";
          d.servers[0].currentAlloc.accelerator = "B200";
        }),
        expect: [
          /servers\[0\]\.model: unknown model "ghost" \(models: "default\/default"\)/,
          /servers\[0\]\.class: unknown service class "Platinum"/,
          /servers\[0\]\.currentAlloc\.accelerator: unknown accelerator "B200"/,
        ],
      },
      {
        name: "missing servers",
        text: mutate((d) => {
          delete d.servers;
        }),
        expect: [/servers: .* \(missing\)/],
      },
    ];
    for (const c of cases) {
      await t.step(c.name, async () => {
        let args = c.args;
        if (c.text !== undefined) {
          const path = `${dir}/case.yaml`;
          await Deno.writeTextFile(path, c.text);
          args = ["--file", path];
        }
        const r = await plan(args!);
        assert.equal(r.code, 2, r.stderr);
        assert.equal(r.stdout, "");
        for (const re of c.expect) assert.match(r.stderr, re);
        assert.doesNotMatch(r.stderr, /\n\s+at /);
        const lines = r.stderr.trim().split("\n").filter((l) => !l.startsWith("Run 'wva"));
        assert.ok(lines.every((l) => l.startsWith("wva plan: ")), r.stderr);
        assert.ok(lines.length >= c.expect.length);
      });
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
