import assert from "node:assert/strict";
import { parse } from "yaml";
import { ConfigError } from "../util/validate.ts";
import { solveSystem } from "./solve.ts";
import { crossCheck, loadSystem } from "./build.ts";
import { planReport, renderTable } from "./render.ts";
import { SystemFileSchema } from "./schema.ts";

const seed = parse(
  await Deno.readTextFile(new URL("../../../examples/plan/seed_40rpm.yaml", import.meta.url)),
);

Deno.test("loadSystem() maps the seed file to unit-named fields", () => {
  const { system, warnings } = loadSystem(seed, "seed.yaml");
  assert.deepEqual(warnings, []);
  assert.equal(system.servers[0]!.load.arrivalRateRpm, 40);
  assert.equal(system.servers[0]!.load.avgLength, 178);
  assert.deepEqual(system.servers[0]!.currentAlloc, {
    accelerator: "A100",
    numReplicas: 1,
    maxBatch: 256,
    cost: 40,
  });
  assert.equal(system.serviceClasses.find((c) => c.model === "default/default")!.sloTtwMs, 500);
  assert.equal(system.optimizer.model, "gen1");
});

Deno.test("crossCheck() names the field and the value for every broken reference", () => {
  const file = SystemFileSchema.parse({
    accelerators: [{ name: "A100", type: "T", cost: 1 }, { name: "A100", type: "T", cost: 2 }],
    serviceClasses: [
      { name: "gold", model: "m", priority: 1 },
      { name: "gold", model: "n", priority: 2 },
    ],
    models: [{ name: "m", acc: "B200", alpha: 1, beta: 0, maxBatchSize: 4 }],
    servers: [
      { name: "s", class: "silver", model: "m", currentAlloc: { load: { arrivalRate: 1 } } },
      {
        name: "t",
        class: "gold",
        model: "zz",
        currentAlloc: { accelerator: "X", load: { arrivalRate: 1 } },
      },
    ],
    capacity: [{ type: "nope", count: 1 }],
  });
  const r = crossCheck(file);
  const all = r.errors.join("\n");
  assert.match(all, /accelerators\[1\]: duplicate name "A100" \(first at accelerators\[0\]\)/);
  assert.match(
    all,
    /serviceClasses\[1\]\.priority: 2 differs from 1 given earlier for class "gold"/,
  );
  assert.match(all, /models\[0\]\.acc: unknown accelerator "B200" \(accelerators: "A100"\)/);
  assert.match(
    all,
    /servers\[0\]\.class: unknown service class "silver" \(serviceClasses: "gold"\)/,
  );
  assert.match(all, /servers\[1\]\.model: unknown model "zz" \(models: "m"\)/);
  assert.match(all, /servers\[1\]\.currentAlloc\.accelerator: unknown accelerator "X"/);
  assert.match(r.warnings.join("\n"), /capacity\[0\]\.type: "nope" matches no accelerator type/);
});

Deno.test("loadSystem() throws a ConfigError prefixed with the source", () => {
  assert.throws(
    () => loadSystem({ ...seed, servers: [{ ...seed.servers[0], model: "ghost" }] }, "f.yaml"),
    (e: unknown) =>
      e instanceof ConfigError &&
      e.problems.some((p) => p.startsWith("f.yaml: servers[0].model: unknown model")),
  );
});

Deno.test("renderTable() prints the seed solution line; planReport() the JSON fields", () => {
  const { system } = loadSystem(seed, "seed.yaml");
  const solution = solveSystem(system);
  const table = renderTable(system, solution).split("\n");
  assert.equal(
    table[1],
    "s=vllme-deployment:llm-d-sim; c=Premium; m=default/default; rate=40; tk=178; sol=1, sat=false, alloc={acc=A100; num=2; maxBatch=4; cost=80, val=40, servTime=21.49347, waitTime=69.7666, rho=0.71789724, maxRPM=25.31145}; slo-itl=24, slo-ttw=500, slo-tps=0",
  );
  assert.deepEqual(table.slice(2), [
    "AllocationByType:",
    "name=NVIDIA-A100-PCIE-80GB, count=2, limit=2, cost=80",
    "totalCost=80",
    "",
  ]);
  const report = planReport(system, solution);
  assert.deepEqual(Object.keys(report.servers[0]!), [
    "name",
    "class",
    "model",
    "rate",
    "candidates",
    "allocated",
    "accelerator",
    "numReplicas",
    "maxBatch",
    "cost",
    "value",
    "servTime",
    "waitTime",
    "rho",
    "maxRPM",
    "saturated",
  ]);
  assert.equal(report.servers[0]!.servTime, 21.49347);
});

Deno.test("renderTable() reports infeasible servers with the reasons", () => {
  const infeasible = structuredClone(seed);
  infeasible.serviceClasses = infeasible.serviceClasses.map((c: Record<string, unknown>) => ({
    ...c,
    "slo-itl": 5,
  }));
  const { system } = loadSystem(infeasible, "x.yaml");
  const table = renderTable(system, solveSystem(system));
  assert.match(table, /no feasible allocation! \(A100: ITL target below the model's range\)/);
  assert.match(table, /totalCost=0/);
});
