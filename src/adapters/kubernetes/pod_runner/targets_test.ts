import assert from "node:assert/strict";
import { stringify } from "yaml";
import { podScrapeConfig, podTargetGroups, writeTargetsFile } from "./targets.ts";

Deno.test("podTargetGroups() labels each pod as the Kind kit's relabelling does", async (t) => {
  await t.step("namespace, pod and the variant label; sorted", () => {
    const groups = podTargetGroups([
      {
        namespace: "llm",
        pod: "b",
        endpoint: "127.0.0.1:2",
        labels: { "llm-d.ai/variant": "v-a100", app: "x" },
      },
      { namespace: "llm", pod: "a", endpoint: "127.0.0.1:1" },
    ]);
    assert.deepEqual(groups, [
      { targets: ["127.0.0.1:1"], labels: { namespace: "llm", pod: "a" } },
      {
        targets: ["127.0.0.1:2"],
        labels: { namespace: "llm", pod: "b", llm_d_ai_variant: "v-a100" },
      },
    ]);
  });
  await t.step("prometheus.io/path sets the metrics path; scrape=false leaves the pod out", () => {
    const groups = podTargetGroups([
      { namespace: "n", pod: "p", endpoint: "e:1", annotations: { "prometheus.io/path": "/m" } },
      {
        namespace: "n",
        pod: "q",
        endpoint: "e:2",
        annotations: { "prometheus.io/scrape": "false" },
      },
    ]);
    assert.deepEqual(groups, [
      { targets: ["e:1"], labels: { namespace: "n", pod: "p", __metrics_path__: "/m" } },
    ]);
  });
});

const promtool = (() => {
  try {
    return Deno.statSync("/usr/bin/promtool").isFile;
  } catch {
    return false;
  }
})();

Deno.test({
  name: "podScrapeConfig() and the targets file are what Prometheus accepts (promtool)",
  ignore: !promtool,
}, async () => {
  const dir = await Deno.makeTempDir();
  try {
    const file = `${dir}/pods.json`;
    await writeTargetsFile(
      file,
      podTargetGroups([{ namespace: "n", pod: "p", endpoint: "127.0.0.1:9" }]),
    );
    const config = { scrape_configs: [podScrapeConfig({ targetsFile: file })] };
    await Deno.writeTextFile(`${dir}/prometheus.yml`, stringify(config));
    const out = await new Deno.Command("/usr/bin/promtool", {
      args: ["check", "config", `${dir}/prometheus.yml`],
    }).output();
    const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 0, text);
    assert.match(text, /SUCCESS/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
