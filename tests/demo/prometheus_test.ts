/**
 * `wva demo --prometheus URL`: the control cycle reads a real Prometheus (Debian's binary) that
 * scrapes the replicas through the file_sd targets the demo publishes, and still scales.
 */
import assert from "node:assert/strict";
import { DemoConfigSchema } from "../../src/modes/demo/config.ts";
import { runDemo } from "../../src/modes/demo/run_demo.ts";
import { resolveSchedule } from "../../src/modes/demo/schedules.ts";
import { startPrometheus } from "../helpers/prometheus.ts";

Deno.test({
  name: "wva demo with --prometheus scales from the metrics Prometheus scraped",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const prom = await startPrometheus({ fileTargets: [], scrapeIntervalSec: 1 });
    const logs: string[] = [];
    let view = "";
    try {
      const config = DemoConfigSchema.parse({
        loadingDelayMs: "1s",
        controller: { intervalMs: "3s" },
        load: { seed: 3 },
      });
      const report = await runDemo({
        config,
        schedule: resolveSchedule("4s@2rps,24s@2..16rps,8s@16rps"),
        prometheusUrl: prom.url,
        publishTargets: (groups) => prom.setTargets(groups),
        view: { isTty: false, write: (t) => (view += t) },
        logSink: (line) => logs.push(line),
      });
      assert.equal(report.metricsSource, `prometheus ${prom.url}`);
      const cycles = logs.map((l) => JSON.parse(l)).filter((l) => l.msg === "cycle-model");
      assert.ok(cycles.length >= 8, `cycles: ${cycles.length}`);
      // Once Prometheus has the replicas, the cycle sees their load and metrics.
      const late = cycles.slice(-4);
      assert.ok(
        late.every((c) => c.load?.arrivalRatePerSec > 0 && !c.error),
        JSON.stringify(late[0]),
      );
      const ups = report.events.filter((e) => e.to > e.from);
      assert.ok(ups.length >= 1, view);
      assert.equal(ups[0]!.variant, "a100");
      assert.equal(report.summary.failedByScaleDown, 0);
      const series = await prom.query('count(vllm:kv_cache_usage_perc{namespace="demo"})');
      assert.ok(Number(series[0]?.value[1]) >= 2, "Prometheus scraped the replicas");
    } finally {
      await prom.stop();
    }
  },
});
