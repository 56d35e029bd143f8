import assert from "node:assert/strict";
import {
  chooseDiscoverySources,
  type DiscoveryCandidate,
  discoveryCondition,
  type DiscoverySource,
} from "./discovery.ts";

function c(
  source: DiscoverySource,
  name: string,
  target = "llama",
  ns = "llm",
): DiscoveryCandidate {
  return { source, namespace: ns, name, scaleTargetRef: { kind: "Deployment", name: target } };
}

const label = (x: { source: string; name: string }) => `${x.source}/${x.name}`;

Deno.test("chooseDiscoverySources() serves each scale target once, by precedence", async (t) => {
  const cases: {
    name: string;
    input: DiscoveryCandidate[];
    used: string[];
    ignored: string[][];
  }[] = [
    {
      name: "a VA alone",
      input: [c("VariantAutoscaling", "llama")],
      used: ["VariantAutoscaling/llama"],
      ignored: [],
    },
    {
      name: "VA wins over an annotated HPA on the same target",
      input: [c("HorizontalPodAutoscaler", "llama-hpa"), c("VariantAutoscaling", "llama")],
      used: ["VariantAutoscaling/llama"],
      ignored: [["HorizontalPodAutoscaler/llama-hpa"]],
    },
    {
      name: "VA wins over a ScaledObject and an HPA",
      input: [
        c("ScaledObject", "so"),
        c("HorizontalPodAutoscaler", "keda-hpa-so"),
        c("VariantAutoscaling", "va"),
      ],
      used: ["VariantAutoscaling/va"],
      ignored: [["ScaledObject/so", "HorizontalPodAutoscaler/keda-hpa-so"]],
    },
    {
      name: "ScaledObject wins over the HPA KEDA generated for it",
      input: [c("HorizontalPodAutoscaler", "keda-hpa-so"), c("ScaledObject", "so")],
      used: ["ScaledObject/so"],
      ignored: [["HorizontalPodAutoscaler/keda-hpa-so"]],
    },
    {
      name: "same kind: first name in sorted order",
      input: [c("HorizontalPodAutoscaler", "b"), c("HorizontalPodAutoscaler", "a")],
      used: ["HorizontalPodAutoscaler/a"],
      ignored: [["HorizontalPodAutoscaler/b"]],
    },
    {
      name: "different targets and namespaces are independent (input order kept)",
      input: [
        c("HorizontalPodAutoscaler", "x", "one"),
        c("VariantAutoscaling", "y", "two"),
        c("HorizontalPodAutoscaler", "z", "one", "other-ns"),
      ],
      used: ["HorizontalPodAutoscaler/x", "VariantAutoscaling/y", "HorizontalPodAutoscaler/z"],
      ignored: [],
    },
  ];
  for (const k of cases) {
    await t.step(k.name, () => {
      const r = chooseDiscoverySources(k.input);
      assert.deepEqual(r.variants.map(label), k.used);
      assert.deepEqual(r.notes.map((n) => n.ignored.map(label)), k.ignored);
    });
  }
});

Deno.test("a shadowed target gets a DiscoverySource condition naming the source used", () => {
  const r = chooseDiscoverySources([
    c("HorizontalPodAutoscaler", "llama-hpa"),
    c("VariantAutoscaling", "llama"),
  ]);
  assert.deepEqual(discoveryCondition(r.notes[0]!), {
    type: "DiscoverySource",
    status: "True",
    reason: "VariantAutoscaling",
    message:
      "Deployment llm/llama is defined by VariantAutoscaling llm/llama (used, variant_name " +
      "llama) and by HorizontalPodAutoscaler llm/llama-hpa (ignored)",
  });
});
