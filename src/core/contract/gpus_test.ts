import assert from "node:assert/strict";
import { freeGpus, gpusOf, heldReplicas, replicasThatFit, sumInventory, takeGpus } from "./gpus.ts";

Deno.test("gpusOf() and heldReplicas(): replicas × GPUs, scale-downs hold until gone", async (t) => {
  const cases: [string, number, number, number][] = [
    ["3 replicas of 2 GPUs", 3, 2, 6],
    ["no GPU per replica", 4, 0, 0],
    ["no replica", 0, 8, 0],
  ];
  for (const [name, replicas, per, want] of cases) {
    await t.step(name, () => assert.equal(gpusOf(replicas, per), want));
  }
  await t.step("a scale-up holds the target", () => assert.equal(heldReplicas(2, 5), 5));
  await t.step("a scale-down holds the current", () => assert.equal(heldReplicas(4, 1), 4));
});

Deno.test("freeGpus(): inventory minus holders, per accelerator in the inventory", async (t) => {
  await t.step("holders of several accelerators", () => {
    const free = freeGpus({ A100: 8, H100: 4 }, [
      { accelerator: "A100", gpusPerReplica: 2, replicas: 3 },
      { accelerator: "A100", gpusPerReplica: 1, replicas: 1 },
      { accelerator: "H100", gpusPerReplica: 4, replicas: 1 },
    ]);
    assert.deepEqual(free, { A100: 1, H100: 0 });
  });
  await t.step("an accelerator outside the inventory stays outside (not limited)", () => {
    const free = freeGpus({ A100: 2 }, [{ accelerator: "TPU", gpusPerReplica: 1, replicas: 5 }]);
    assert.deepEqual(free, { A100: 2 });
  });
  await t.step("over-used: negative, so nothing fits", () => {
    const free = freeGpus({ A100: 2 }, [{ accelerator: "A100", gpusPerReplica: 1, replicas: 3 }]);
    assert.equal(free.A100, -1);
    assert.equal(replicasThatFit(free.A100, 1), 0);
  });
  await t.step("takeGpus() charges a working copy in place", () => {
    const free: Record<string, number> = { A100: 4 };
    takeGpus(free, { accelerator: "A100", gpusPerReplica: 2, replicas: 1 });
    takeGpus(free, { accelerator: "H100", gpusPerReplica: 2, replicas: 1 });
    assert.deepEqual(free, { A100: 2 });
  });
});

Deno.test("replicasThatFit(): whole replicas, unlimited when unknown or GPU-less", async (t) => {
  const cases: [string, number | undefined, number, number][] = [
    ["5 free, 2 per replica", 5, 2, 2],
    ["not in the inventory", undefined, 2, Infinity],
    ["no GPU per replica", 0, 0, Infinity],
    ["nothing free", 0, 1, 0],
  ];
  for (const [name, free, per, want] of cases) {
    await t.step(name, () => assert.equal(replicasThatFit(free, per), want));
  }
});

Deno.test("sumInventory() adds GPUs per accelerator", () => {
  assert.deepEqual(
    sumInventory([
      { accelerator: "A100", gpus: 8 },
      { accelerator: "H100", gpus: 4 },
      { accelerator: "A100", gpus: 2 },
    ]),
    { A100: 10, H100: 4 },
  );
});
