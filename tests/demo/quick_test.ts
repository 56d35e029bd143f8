/**
 * The README's first command, end to end: `wva demo --quick` as a user runs it (a subprocess
 * through main.ts), judged from the report.json it writes: replicas rose during the ramp and fell
 * after it, the cheap variant scaled first (as far as its GPUs allowed), and no request failed
 * because a replica was removed. Takes about 100 s.
 */
import assert from "node:assert/strict";
import type { DemoReport } from "../../src/modes/demo/report.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

async function runWva(args: readonly string[], timeoutMs: number) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `${ROOT}main.ts`, "demo", ...args],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(timeoutMs),
  });
  const out = await child.output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

function totalReady(p: DemoReport["timeline"][number]): number {
  return Object.values(p.variants).reduce((a, v) => a + v.ready, 0);
}

Deno.test({
  name:
    "wva demo --quick scales the cheap variant up first, then down, with no failure from scale-down",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "wva-demo-quick-" });
    try {
      const run = await runWva(["--quick", "--plain", "--out", dir], 170_000);
      assert.equal(run.code, 0, run.stderr.slice(-2000));
      const report = JSON.parse(await Deno.readTextFile(`${dir}/report.json`)) as DemoReport;
      const html = await Deno.readTextFile(`${dir}/report.html`);
      assert.ok((html.match(/<svg/g) ?? []).length >= 5, "report.html has the charts");
      assert.match(run.stdout, /requests +\d+ sent/);
      assert.ok(run.stdout.includes(`${dir}/report.html`), "the summary says where the report is");

      // Required keys of report.json.
      const { timeline, events, summary } = report;
      assert.ok(timeline.length >= 80, `one point per second (${timeline.length})`);
      for (const p of timeline) {
        for (const v of ["a100", "h100"]) {
          assert.equal(typeof p.variants[v]!.ready, "number");
          assert.equal(typeof p.variants[v]!.desired, "number");
        }
      }
      for (const e of events) {
        assert.deepEqual(Object.keys(e).slice(0, 5), ["tMs", "variant", "from", "to", "reason"]);
      }
      assert.ok(summary.requests > 500, `requests ${summary.requests}`);
      assert.equal(typeof summary.failed, "number");
      assert.equal(typeof summary.goodput.good, "number");

      // Replicas rose during the ramp and fell after it.
      const spikeEndMs = 60_000; // quick: 6 s + 30 s ramp + 14 s hold + 10 s spike
      const initial = totalReady(timeline[0]!);
      const during = timeline.filter((p) => p.tMs <= spikeEndMs + 2000);
      const peak = Math.max(...during.map(totalReady));
      const final = totalReady(timeline.at(-1)!);
      assert.ok(peak >= initial + 2, `replicas rose: ${initial} → ${peak}`);
      assert.ok(final < peak, `replicas fell after the spike: ${peak} → ${final}`);
      const ups = events.filter((e) => e.to > e.from);
      const downs = events.filter((e) => e.to < e.from);
      assert.ok(ups.length >= 2 && downs.length >= 1);
      assert.ok(downs.every((e) => e.tMs > ups[0]!.tMs));

      // The cheap variant first, as far as its GPUs allow; then the dearer one.
      assert.equal(ups[0]!.variant, "a100");
      const firstH100 = ups.find((e) => e.variant === "h100");
      assert.ok(firstH100, "the spike needs the H100 variant too");
      const a100Full = ups.find((e) => e.variant === "a100" && e.to >= 2);
      assert.ok(
        a100Full && a100Full.tMs <= firstH100.tMs,
        "a100 reached its 2 GPUs before h100 grew",
      );
      assert.ok(summary.variants.a100!.peakReady === 2);

      // No request failed because its replica was removed.
      assert.equal(summary.failedByScaleDown, 0);
      assert.equal(summary.router.failedByScaleDown, 0);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "wva demo stops on Ctrl-C and still writes the summary and the report",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "wva-demo-sigint-" });
    try {
      const child = new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "-A",
          `${ROOT}main.ts`,
          "demo",
          "--schedule",
          "120s@3rps",
          "--loading-delay",
          "500ms",
          "--plain",
          "--out",
          dir,
        ],
        cwd: ROOT,
        stdout: "piped",
        stderr: "piped",
      }).spawn();
      const stderr = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
      let seen = "";
      while (!seen.includes("load started")) {
        const { value, done } = await stderr.read();
        if (done) break;
        seen += value;
      }
      await new Promise((r) => setTimeout(r, 3000));
      child.kill("SIGINT");
      const drain = (async () => {
        for (;;) if ((await stderr.read()).done) break;
      })();
      const [status, stdout] = await Promise.all([
        child.status,
        new Response(child.stdout).text(),
        drain,
      ]);
      assert.equal(status.code, 0);
      assert.match(stdout, /wva demo stopped early/);
      const report = JSON.parse(await Deno.readTextFile(`${dir}/report.json`)) as DemoReport;
      assert.equal(report.summary.interrupted, true);
      assert.ok(report.summary.requests > 0 && report.summary.durationSec < 20);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
