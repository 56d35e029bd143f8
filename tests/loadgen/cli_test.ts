/**
 * `wva loadgen` as a user runs it (a subprocess) against an in-process emulator: the seeds' rpm
 * schedule stage by stage, the output files and charts, and Ctrl-C still writing the report.
 */
import assert from "node:assert/strict";
import { withEmulator } from "./helpers.ts";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;

function spawnLoadgen(args: readonly string[]): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, "loadgen", ...args],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

async function readJson(path: string): Promise<Record<string, unknown>> {
  return JSON.parse(await Deno.readTextFile(path));
}

interface StageJson {
  sent: number;
  succeeded: number;
  achievedRatePerSec: number;
  targetRatePerSec: number;
}

Deno.test("wva loadgen honours the seeds' [[seconds, rpm]] schedule stage by stage and writes the report", async () => {
  const out = await Deno.makeTempDir({ prefix: "wva-loadgen-" });
  try {
    await withEmulator({}, async (emu) => {
      // The seeds' form, shortened: 3 s at 600 rpm (10/s), then 3 s at 1200 rpm (20/s).
      const child = spawnLoadgen([
        "--url",
        `${emu.url}/v1`,
        "--rate",
        "[[3, 600], [3, 1200]]",
        "--arrival",
        "constant",
        "--output-tokens",
        "4",
        "--prompt-tokens",
        "16",
        "--slo",
        "ttft=500ms,itl=50ms",
        "--out",
        out,
        "--progress",
        "plain",
      ]);
      const res = await child.output();
      const stdout = new TextDecoder().decode(res.stdout);
      const stderr = new TextDecoder().decode(res.stderr);
      assert.equal(res.code, 0, stderr);
      assert.match(stdout, /^stage\s+window\s+target\/s/m);
      assert.match(stderr, /wrote .*summary\.json/);
    });
    const summary = await readJson(`${out}/summary.json`);
    const stages = summary.stages as StageJson[];
    assert.deepEqual(stages.map((s) => s.sent), [30, 60]);
    assert.deepEqual(stages.map((s) => s.succeeded), [30, 60]);
    assert.deepEqual(stages.map((s) => s.achievedRatePerSec), [10, 20]);
    assert.deepEqual(stages.map((s) => s.targetRatePerSec), [10, 20]);
    for (
      const key of [
        "total",
        "succeeded",
        "failed",
        "achievedRatePerSec",
        "goodput",
        "ttftMs",
        "itlMs",
        "e2eMs",
      ]
    ) {
      assert.ok(key in summary, `summary.json has ${key}`);
    }
    assert.equal(summary.total, 90);
    assert.deepEqual(Object.keys(summary.ttftMs as object).filter((k) => /^p\d+$/.test(k)), [
      "p50",
      "p90",
      "p99",
    ]);
    const lines = (await Deno.readTextFile(`${out}/requests.jsonl`)).trim().split("\n");
    assert.equal(lines.length, 90);
    const first = JSON.parse(lines[0]!);
    for (
      const key of [
        "ttftMs",
        "itlMs",
        "tpotMs",
        "e2eMs",
        "promptTokens",
        "outputTokens",
        "status",
        "errorClass",
      ]
    ) {
      assert.ok(key in first, `record has ${key}`);
    }
    assert.equal(first.itlMs.length, 3);
    const html = await Deno.readTextFile(`${out}/report.html`);
    assert.equal(html.match(/<svg /g)?.length, 4);
    for (
      const title of ["target vs achieved", "Time to first token", "Inter-token latency", "Errors"]
    ) {
      assert.ok(html.includes(title), `report has a "${title}" chart`);
    }
    assert.match(html, />stage 2<\/text>/, "stage boundary marked");
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("wva loadgen stops on Ctrl-C, exits 130 and still writes the report", async () => {
  const out = await Deno.makeTempDir({ prefix: "wva-loadgen-" });
  try {
    await withEmulator({}, async (emu) => {
      const child = spawnLoadgen([
        "--url",
        `${emu.url}/v1`,
        "--rate",
        "10rps",
        "--arrival",
        "constant",
        "--output-tokens",
        "50",
        "--out",
        out,
        "--progress",
        "plain",
      ]);
      await new Promise((r) => setTimeout(r, 2500));
      const t0 = performance.now();
      child.kill("SIGINT");
      const res = await child.output();
      const stderr = new TextDecoder().decode(res.stderr);
      assert.equal(res.code, 130, stderr);
      assert.ok(performance.now() - t0 < 3000, "stopped promptly");
      assert.match(stderr, /stopping; writing results/);
    });
    const summary = await readJson(`${out}/summary.json`);
    assert.equal(summary.interrupted, true);
    assert.ok((summary.sent as number) >= 10, `sent ${summary.sent}`);
    assert.ok((summary.succeeded as number) >= 5, `succeeded ${summary.succeeded}`);
    assert.ok(await Deno.stat(`${out}/report.html`));
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("wva loadgen rejects bad input with one line and exit 2", async (t) => {
  const cases: Array<[string[], RegExp]> = [
    [
      ["--stages", "60s@2rps,120x@10rps"],
      /--stages: stage "120x@10rps": unknown duration unit "x"/,
    ],
    [["--rate", "5rpx"], /--rate: unknown rate unit "rpx"/],
    [
      ["--rate", "1rps", "--url", "localhost:8000"],
      /--url: must be an http\(s\) URL ending in \/v1/,
    ],
    [["--rate", "1rps", "--slo", "ttft=fast"], /--slo ttft: cannot read duration "fast"/],
  ];
  for (const [args, re] of cases) {
    await t.step(args.join(" "), async () => {
      const res = await spawnLoadgen(args).output();
      const stderr = new TextDecoder().decode(res.stderr);
      assert.equal(res.code, 2);
      assert.match(stderr.split("\n")[0]!, re);
      assert.doesNotMatch(stderr, /\n\s+at /);
    });
  }
});
