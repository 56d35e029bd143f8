/**
 * `wva demo --cluster --quick` end to end, as a user runs it (`deno run -A main.ts demo …`, a
 * child process): the local control plane with KEDA and fake GPUs, the samples applied, the
 * controller without `--direct-scale`, the load through the gateway. Its report.json must show
 * actuation through KEDA, at least one scale-up and one scale-down, each hop of a completed
 * decision with its time, and the start-up phases; the state directory is gone afterwards.
 */
import assert from "node:assert/strict";
import { clusterTest } from "../helpers/testcluster.ts";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;

Deno.test({
  ...clusterTest("wva demo --cluster --quick: scale-up and scale-down through KEDA, hops recorded"),
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  const out = await Deno.makeTempDir({ prefix: "wva-demo-cluster-" });
  const t0 = performance.now();
  try {
    const child = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", MAIN, "demo", "--cluster", "--quick", "--plain", "--out", out],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.timeout(8 * 60_000),
    }).output();
    const text = new TextDecoder().decode(child.stdout) + new TextDecoder().decode(child.stderr);
    assert.equal(child.code, 0, text.split("\n").slice(-40).join("\n"));
    const r = JSON.parse(await Deno.readTextFile(`${out}/report.json`));
    assert.equal(r.settings.actuation, "keda");
    assert.ok(r.summary.scaleUps >= 1, `scale-ups: ${r.summary.scaleUps}`);
    assert.ok(r.summary.scaleDowns >= 1, `scale-downs: ${r.summary.scaleDowns}`);
    assert.equal(r.summary.failedByScaleDown, 0);
    const done = r.hops.decisions.filter((d: { readyMs: number | null }) => d.readyMs !== null);
    assert.ok(
      done.some((
        d: { hpaMs: number | null; deploymentMs: number | null; to: number; from: number },
      ) => d.to > d.from && d.hpaMs !== null && d.deploymentMs !== null),
      `a scale-up went wva → HPA → Deployment → ready: ${JSON.stringify(r.hops.decisions)}`,
    );
    assert.ok(
      done.some((d: { to: number; from: number }) => d.to < d.from),
      "a scale-down reached ready",
    );
    for (const hop of ["wva", "hpa", "deployment", "ready"]) {
      assert.ok(
        r.hops.events.some((e: { hop: string }) => e.hop === hop),
        `${hop} events recorded`,
      );
    }
    assert.ok(r.startup.clusterMs > 0 && r.startup.totalMs >= r.startup.clusterMs);
    assert.ok((await Deno.readTextFile(`${out}/report.html`)).includes("Actuation through KEDA"));
    await assert.rejects(Deno.stat(`${out}/cluster/cluster`), Deno.errors.NotFound, "torn down");
    const s = r.hops.summary;
    console.error(
      `demo_cluster_test: ${Math.round((performance.now() - t0) / 1000)} s; start-up ${
        Math.round(r.startup.totalMs / 1000)
      } s (cluster ${
        Math.round(r.startup.clusterMs / 1000)
      } s); ups ${r.summary.scaleUps} downs ${r.summary.scaleDowns}; ` +
        `up p50 → HPA ${s.up.hpa.p50Ms} ms, → Deployment ${s.up.deployment.p50Ms} ms, → ready ${s.up.ready.p50Ms} ms; ` +
        `down p50 → Deployment ${s.down.deployment.p50Ms} ms, → ready ${s.down.ready.p50Ms} ms`,
    );
  } finally {
    await Deno.remove(out, { recursive: true }).catch(() => {});
  }
});
