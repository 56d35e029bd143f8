import assert from "node:assert/strict";
import type { CycleReport, VariantOutcome } from "../../core/contract/ports.ts";
import { createControllerMetrics, createGaugeSink } from "./wva_gauges.ts";

function variant(name: string, accelerator: string, current: number, desired: number | undefined) {
  return {
    namespace: "ns",
    name,
    modelId: "m",
    accelerator,
    gpusPerReplica: 1,
    costPerReplica: 10,
    minReplicas: 0,
    maxReplicas: 9,
    currentReplicas: current,
    readyReplicas: current,
    desiredReplicas: desired,
    reason: "hold",
    steps: [],
    metrics: {
      available: true,
      reason: "MetricsFound",
      message: "",
      freshReplicas: current,
      staleReplicas: 0,
    },
    conditions: [],
  } satisfies VariantOutcome;
}

function report(variants: VariantOutcome[]): CycleReport {
  return { nowMs: 0, models: [], variants };
}

Deno.test("createControllerMetrics() labels every series with the controller instance", async (t) => {
  for (
    const [name, instance, want] of [
      [
        "CONTROLLER_INSTANCE set: every series carries it",
        "team-a",
        'controller_instance="team-a"',
      ],
      ["unset: no such label", undefined, undefined],
    ] as const
  ) {
    await t.step(name, async () => {
      const m = createControllerMetrics({ controllerInstance: instance });
      m.publish(report([variant("a", "A100", 2, 3)]));
      m.setLeader(true);
      m.countScaling({ name: "a", namespace: "ns" }, "up", "test");
      const series = (await m.render()).body.split("\n").filter((l) => l && !l.startsWith("#"));
      assert.ok(series.some((l) => l.startsWith("wva_desired_replicas{")), series.join("\n"));
      for (const l of series) {
        if (want) assert.ok(l.includes(want), l);
        else assert.doesNotMatch(l, /controller_instance/);
      }
    });
  }
});

Deno.test("createControllerMetrics() publishes the HPA gauges", async (t) => {
  const m = createControllerMetrics();
  await t.step("desired, current and ratio per variant; excluded variants get none", async () => {
    m.publish(
      report([
        variant("a", "A100", 2, 3),
        variant("b", "H100", 0, 1),
        variant("x", "A100", 1, undefined),
      ]),
    );
    const { body, contentType } = await m.render();
    assert.match(contentType, /text\/plain/);
    assert.match(
      body,
      /wva_desired_replicas\{variant_name="a",namespace="ns",accelerator_type="A100"\} 3/,
    );
    assert.match(
      body,
      /wva_current_replicas\{variant_name="a",namespace="ns",accelerator_type="A100"\} 2/,
    );
    assert.match(
      body,
      /wva_desired_ratio\{variant_name="a",namespace="ns",accelerator_type="A100"\} 1\.5/,
    );
    assert.match(
      body,
      /wva_desired_ratio\{variant_name="b",namespace="ns",accelerator_type="H100"\} 1\n/,
    );
    assert.doesNotMatch(body, /variant_name="x"/);
    assert.doesNotMatch(body, /process_cpu|nodejs_/);
  });
  await t.step("a vanished variant or a changed accelerator drops the old series", async () => {
    m.publish(report([variant("a", "L40S", 2, 2)]));
    const { body } = await m.render();
    assert.doesNotMatch(body, /accelerator_type="A100"/);
    assert.doesNotMatch(body, /variant_name="b"/);
    assert.match(
      body,
      /wva_desired_replicas\{variant_name="a",namespace="ns",accelerator_type="L40S"\} 2/,
    );
  });
  await t.step("inventory and leadership gauges", async () => {
    m.setInventory([{
      accelerator: "A100",
      vendor: "nvidia",
      product: "NVIDIA-A100-PCIE-80GB",
      gpus: 16,
    }]);
    m.setLeader(true);
    const { body } = await m.render();
    assert.match(
      body,
      /wva_available_gpus\{accelerator_vendor="nvidia",accelerator_model="NVIDIA-A100-PCIE-80GB",accelerator_type="A100"\} 16/,
    );
    assert.match(body, /wva_leader 1/);
  });
});

Deno.test("createGaugeSink() publishes a report: variant gauges and the inventory it echoes", async (t) => {
  const m = createControllerMetrics();
  const sink = createGaugeSink(m);
  const entry = {
    accelerator: "H100",
    vendor: "nvidia",
    product: "NVIDIA-H100-SXM5-80GB",
    products: ["NVIDIA-H100-SXM5-80GB"],
    gpus: 8,
  };
  await t.step("served variants are applied, excluded ones are not", async () => {
    const r = await sink.apply({
      ...report([variant("a", "H100", 1, 2), variant("x", "H100", 1, undefined)]),
      inventoryEntries: [entry],
    });
    assert.deepEqual(r, { applied: 1, errors: [] });
    const { body } = await m.render();
    assert.match(
      body,
      /wva_desired_replicas\{variant_name="a",namespace="ns",accelerator_type="H100"\} 2/,
    );
    assert.match(body, /wva_available_gpus\{[^}]*accelerator_type="H100"\} 8/);
    assert.match(body, /wva_models_processed 0/);
  });
  await t.step("a report without inventory entries leaves the inventory series", async () => {
    await sink.apply(report([variant("a", "H100", 2, 2)]));
    const { body } = await m.render();
    assert.match(body, /wva_available_gpus\{[^}]*accelerator_type="H100"\} 8/);
    assert.match(
      body,
      /wva_current_replicas\{variant_name="a",namespace="ns",accelerator_type="H100"\} 2/,
    );
  });
});
