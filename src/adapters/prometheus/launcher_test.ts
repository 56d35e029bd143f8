import assert from "node:assert/strict";
import { parse } from "yaml";
import { freeLoopbackPort, prometheusConfig, startPrometheusServer } from "./launcher.ts";

Deno.test("prometheusConfig: the interval everywhere, the scrape configs as given", () => {
  const cfg = parse(
    prometheusConfig([{ job_name: "a", static_configs: [{ targets: ["x:1"] }] }], 2),
  );
  assert.deepEqual(cfg.global, {
    scrape_interval: "2s",
    evaluation_interval: "2s",
    scrape_timeout: "2s",
  });
  assert.deepEqual(cfg.scrape_configs, [{ job_name: "a", static_configs: [{ targets: ["x:1"] }] }]);
});

Deno.test({
  name: "startPrometheusServer: scrapes a target, pauses and resumes on the same port",
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  const dir = await Deno.makeTempDir({ prefix: "wva-prom-launcher-" });
  const port = freeLoopbackPort();
  const target = Deno.serve(
    { hostname: "127.0.0.1", port, onListen: () => {} },
    () => new Response("up_test_gauge 7\n"),
  );
  const prom = await startPrometheusServer({
    dir,
    scrapeConfigs: [{ job_name: "t", static_configs: [{ targets: [`127.0.0.1:${port}`] }] }],
  });
  const value = async () => {
    const res = await fetch(`${prom.url}/api/v1/query?query=up_test_gauge`);
    const body = await res.json();
    return body.data.result[0]?.value[1] as string | undefined;
  };
  try {
    for (let i = 0; i < 50 && (await value()) === undefined; i++) {
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.equal(await value(), "7");
    await prom.pause();
    await assert.rejects(fetch(`${prom.url}/-/ready`));
    await prom.resume();
    assert.equal(await fetch(`${prom.url}/-/ready`).then((r) => r.status), 200);
  } finally {
    await prom.stop();
    await target.shutdown();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("startPrometheusServer: a missing binary says how to install it", async () => {
  await assert.rejects(
    startPrometheusServer({
      dir: "/nonexistent",
      scrapeConfigs: [],
      binary: "/no/such/prometheus",
    }),
    /looked for \/no\/such\/prometheus\): apt-get install prometheus/,
  );
});
