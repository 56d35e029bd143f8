/**
 * The shipped ConfigMaps parse without problems with the controller's parsers, the samples
 * agree with each other (variant name, namespace, metric, label), and docs/controller-api.md
 * documents every condition reason and ConfigMap.
 */
import assert from "node:assert/strict";
import {
  CONDITION_REASONS,
  CONFIGMAP_NAMES,
  parseAcceleratorCosts,
  parseSaturationConfigMap,
  parseScaleToZero,
  parseServiceClasses,
  saturationConfigFor,
  scaleToZeroFor,
  serviceClassFor,
  unitCostOf,
} from "../../src/core/api/mod.ts";
import { DEFAULT_SATURATION_CONFIG } from "../../src/core/analyze/saturation_config.ts";
import { readManifests, repoPath } from "./apply.ts";

async function configMaps(): Promise<Map<string, Record<string, string>>> {
  const out = new Map<string, Record<string, string>>();
  for (const m of await readManifests("manifests/configmaps.yaml")) {
    assert.equal(m.metadata.namespace, "wva-system");
    out.set(m.metadata.name, m.data as Record<string, string>);
  }
  return out;
}

Deno.test("the shipped ConfigMaps parse cleanly and hold the documented defaults", async (t) => {
  const cms = await configMaps();
  assert.deepEqual([...cms.keys()].sort(), Object.values(CONFIGMAP_NAMES).sort());
  await t.step("accelerator unit costs", () => {
    const r = parseAcceleratorCosts(cms.get(CONFIGMAP_NAMES.acceleratorCosts));
    assert.deepEqual(r.problems, []);
    assert.equal(unitCostOf(r.config, "A100")?.cost, 40);
    assert.equal(unitCostOf(r.config, "MI300X")?.device, "AMD-MI300X-192G");
  });
  await t.step("service classes", () => {
    const r = parseServiceClasses(cms.get(CONFIGMAP_NAMES.serviceClasses));
    assert.deepEqual(r.problems, []);
    assert.deepEqual(
      serviceClassFor(r.config, { modelId: "default/default", serviceClass: "Premium" }),
      {
        name: "Premium",
        priority: 1,
        slo: { itlMs: 24, ttftMs: 500 },
      },
    );
  });
  await t.step("saturation thresholds equal the decision core's defaults", () => {
    const r = parseSaturationConfigMap(cms.get(CONFIGMAP_NAMES.saturation));
    assert.deepEqual(r.problems, []);
    assert.deepEqual(
      saturationConfigFor(r.config, { modelId: "m", namespace: "n" }),
      DEFAULT_SATURATION_CONFIG,
    );
  });
  await t.step("scale-to-zero off, 10 minutes", () => {
    const r = parseScaleToZero(cms.get(CONFIGMAP_NAMES.scaleToZero));
    assert.deepEqual(r.problems, []);
    assert.deepEqual(
      scaleToZeroFor(r.config, { modelId: "m", namespace: "n" }, { globalEnabled: true }),
      {
        enabled: false,
        retentionMs: 600_000,
      },
    );
  });
});

/** Reads a dotted path (`spec.metrics.0.external`) from a parsed manifest. */
function at(obj: unknown, path: string): unknown {
  return path.split(".").reduce<unknown>(
    (
      cur,
      k,
    ) => (cur !== null && typeof cur === "object"
      ? (cur as Record<string, unknown>)[k]
      : undefined),
    obj,
  );
}

Deno.test("the HPA, adapter and KEDA samples select the sample VA's series", async () => {
  const [vaObj] = await readManifests("manifests/samples/variantautoscaling.yaml");
  const [hpa] = await readManifests("manifests/samples/hpa.yaml");
  const [so] = await readManifests("manifests/samples/keda-scaledobject.yaml");
  const [adapter] = await readManifests("manifests/samples/prometheus-adapter-values.yaml");
  const name = vaObj!.metadata.name;
  const ns = vaObj!.metadata.namespace!;
  const target = at(vaObj, "spec.scaleTargetRef");
  assert.deepEqual(at(hpa, "spec.scaleTargetRef"), target);
  assert.equal(at(hpa, "spec.metrics.0.external.metric.name"), "wva_desired_replicas");
  assert.deepEqual(at(hpa, "spec.metrics.0.external.metric.selector.matchLabels"), {
    variant_name: name,
    exported_namespace: ns,
  });
  assert.deepEqual(at(hpa, "spec.metrics.0.external.target"), {
    type: "AverageValue",
    averageValue: "1",
  });
  assert.match(
    String(at(adapter, "rules.external.0.seriesQuery")),
    /^wva_desired_replicas\{.*exported_namespace!=""/,
  );
  assert.deepEqual(at(adapter, "rules.external.0.resources.overrides.exported_namespace"), {
    resource: "namespace",
  });
  assert.equal(at(adapter, "rules.external.0.name.as"), "wva_desired_replicas");
  assert.deepEqual(at(so, "spec.scaleTargetRef"), target);
  assert.equal(at(so, "spec.triggers.0.metricType"), "AverageValue");
  const query = String(at(so, "spec.triggers.0.metadata.query"));
  assert.ok(
    query.includes(`wva_desired_replicas{variant_name="${name}",namespace="${ns}"}`),
    query,
  );
  assert.ok(query.includes(`exported_namespace="${ns}"`), query);
});

Deno.test("docs/controller-api.md documents every condition reason and ConfigMap", async () => {
  const doc = await Deno.readTextFile(repoPath("docs/controller-api.md"));
  for (const [type, reasons] of Object.entries(CONDITION_REASONS)) {
    assert.ok(doc.includes(`\`${type}\``), type);
    for (const reason of Object.keys(reasons)) assert.ok(doc.includes(`\`${reason}\``), reason);
  }
  for (const name of Object.values(CONFIGMAP_NAMES)) assert.ok(doc.includes(name), name);
});
