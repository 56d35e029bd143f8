import assert from "node:assert/strict";
import { matchesSelector } from "./selector.ts";

Deno.test("matchesSelector() implements matchLabels and matchExpressions", async (t) => {
  const labels = { app: "vllm", tier: "gpu" };
  const cases: Array<[string, Parameters<typeof matchesSelector>[0], boolean]> = [
    ["matchLabels hit", { matchLabels: { app: "vllm" } }, true],
    ["matchLabels miss", { matchLabels: { app: "other" } }, false],
    ["In", { matchExpressions: [{ key: "tier", operator: "In", values: ["gpu", "cpu"] }] }, true],
    ["NotIn", { matchExpressions: [{ key: "tier", operator: "NotIn", values: ["gpu"] }] }, false],
    ["Exists", { matchExpressions: [{ key: "app", operator: "Exists" }] }, true],
    ["DoesNotExist", { matchExpressions: [{ key: "zone", operator: "DoesNotExist" }] }, true],
    ["unknown operator", { matchExpressions: [{ key: "app", operator: "Gt" }] }, false],
    ["empty selector matches nothing", {}, false],
  ];
  for (const [name, selector, want] of cases) {
    await t.step(name, () => assert.equal(matchesSelector(selector, labels), want));
  }
});
