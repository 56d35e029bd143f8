import assert from "node:assert/strict";
import { parseServiceClasses, serviceClassFor } from "./service_classes.ts";

const DATA = {
  "premium.yaml": [
    "name: Premium",
    "priority: 1",
    "data:",
    "  - model: default/default",
    "    slo-tpot: 24",
    "    slo-ttft: 500",
    "  - model: meta/llama0-70b",
    "    slo-itl: 80",
  ].join("\n"),
  "freemium.yaml": [
    "name: Freemium",
    "priority: 10",
    "data:",
    "  - model: default/default",
    "    slo-tpot: 200",
    "  - model: ibm/granite-13b",
    "    slo-tpot: 200",
    "    slo-ttft: 2000",
  ].join("\n"),
};

Deno.test("serviceClassFor() resolves a model's class, priority and SLOs", async (t) => {
  const r = parseServiceClasses(DATA);
  assert.deepEqual(r.problems, []);
  const cases = [
    {
      name: "named class with the model listed",
      q: { modelId: "default/default", serviceClass: "Freemium" },
      want: { name: "Freemium", priority: 10, slo: { itlMs: 200 } },
    },
    {
      name: "no class named: highest priority listing the model",
      q: { modelId: "default/default" },
      want: { name: "Premium", priority: 1, slo: { itlMs: 24, ttftMs: 500 } },
    },
    {
      name: "slo-itl is the same as slo-tpot",
      q: { modelId: "meta/llama0-70b" },
      want: { name: "Premium", priority: 1, slo: { itlMs: 80 } },
    },
    {
      name: "named class without the model: priority only",
      q: { modelId: "ibm/granite-13b", serviceClass: "Premium" },
      want: { name: "Premium", priority: 1 },
    },
    { name: "unknown class", q: { modelId: "m", serviceClass: "Gold" }, want: undefined },
    { name: "model in no class", q: { modelId: "nobody" }, want: undefined },
  ];
  for (const c of cases) {
    await t.step(c.name, () => assert.deepEqual(serviceClassFor(r.config, c.q), c.want));
  }
});

Deno.test("parseServiceClasses() reports bad entries and keeps the last good class", async (t) => {
  const good = parseServiceClasses(DATA).config;
  const cases = [
    {
      name: "both slo-tpot and slo-itl",
      text: "name: Premium\ndata:\n  - {model: m, slo-tpot: 1, slo-itl: 2}",
      field: "data[0].slo-itl",
    },
    {
      name: "model twice",
      text: "name: Premium\ndata:\n  - {model: m}\n  - {model: m}",
      field: "data[1].model",
    },
    {
      name: "negative SLO",
      text: "name: Premium\ndata:\n  - {model: m, slo-ttft: -5}",
      field: "data[0].slo-ttft",
    },
    { name: "priority 0", text: "name: Premium\npriority: 0", field: "priority" },
    { name: "unknown key", text: "name: Premium\nprio: 1", field: "prio" },
  ];
  for (const c of cases) {
    await t.step(c.name, () => {
      const r = parseServiceClasses({ ...DATA, "premium.yaml": c.text }, good);
      assert.equal(r.problems.length, 1, JSON.stringify(r.problems));
      assert.equal(r.problems[0]!.key, "premium.yaml");
      assert.equal(r.problems[0]!.field, c.field);
      assert.equal(r.problems[0]!.fallback, "last-good");
      assert.deepEqual(r.config.classes["premium.yaml"], good.classes["premium.yaml"]);
    });
  }
  await t.step("a class name used twice: the later key is ignored", () => {
    const r = parseServiceClasses({ ...DATA, "zz.yaml": "name: Premium\npriority: 5" });
    assert.equal(r.problems[0]!.key, "zz.yaml");
    assert.equal(r.config.classes["zz.yaml"], undefined);
  });
  await t.step("defaults: priority 100, no data", () => {
    const r = parseServiceClasses({ "x.yaml": "name: Bronze" });
    assert.deepEqual(r.config.classes["x.yaml"], { name: "Bronze", priority: 100, data: [] });
  });
});
