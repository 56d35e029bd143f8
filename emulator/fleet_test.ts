import { strict as assert } from "node:assert";
import { resolveEmulatorConfig } from "./config.ts";
import { replicaConfig } from "./fleet.ts";

Deno.test("replica i gets port + i, its own engine label and seed", async (t) => {
  const cases = [
    { name: "defaults", in: { port: 8000 }, i: 2, port: 8002, label: "2", seed: 2 },
    {
      name: "numeric label",
      in: { port: 9000, engineLabel: "4", seed: 7 },
      i: 1,
      port: 9001,
      label: "5",
      seed: 8,
    },
    {
      name: "named label",
      in: { port: 9000, engineLabel: "dp" },
      i: 1,
      port: 9001,
      label: "dp-1",
      seed: 1,
    },
    { name: "any free port", in: { port: 0 }, i: 3, port: 0, label: "3", seed: 3 },
  ];
  for (const c of cases) {
    await t.step(c.name, () => {
      const r = replicaConfig(resolveEmulatorConfig({ ...c.in, replicas: 4 }), c.i);
      assert.equal(r.port, c.port);
      assert.equal(r.engineLabel, c.label);
      assert.equal(r.seed, c.seed);
      assert.equal(r.replicas, 1);
    });
  }
});

Deno.test("replicas may not run past port 65535", () => {
  assert.throws(
    () => resolveEmulatorConfig({ port: 65534, replicas: 3 }),
    /replicas: 3 replicas from port 65534 would pass port 65535/,
  );
  assert.equal(resolveEmulatorConfig({ port: 65533, replicas: 3 }).replicas, 3);
});
