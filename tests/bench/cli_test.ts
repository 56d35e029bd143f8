/**
 * `wva bench` as a user runs it (a subprocess): bad input exits 2 with one line per problem and
 * no stack trace; `--arms` runs only the named arms; `--out` writes summary.json (with the
 * fields the issue names) and report.html; `--markdown` prints the README's tables; `--sweep`
 * runs every arm at every value.
 */
import { strict as assert } from "node:assert";
import { join } from "node:path";

const ROOT = new URL("../../", import.meta.url).pathname;

async function bench(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "main.ts", "bench", ...args],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

const SPIKE = "examples/bench/spike.yaml";

Deno.test("wva bench: bad input exits 2, one line per problem, no stack", async (t) => {
  const cases: { name: string; args: string[]; lines: RegExp[] }[] = [
    { name: "no scenario", args: [], lines: [/^wva bench: --scenario: is required \(missing\)$/] },
    {
      name: "three bad flags",
      args: ["-s", SPIKE, "--seed", "x", "--sweep", "loadScale", "--load-seconds=-1"],
      lines: [/--seed: expected an integer/, /--sweep: expected PARAM=v1,v2/, /--load-seconds: /],
    },
    {
      name: "unknown sweep parameter",
      args: ["-s", SPIKE, "--sweep", "speed=1,2"],
      lines: [/--sweep: sweep\.parameter: .*"speed"/],
    },
    { name: "missing file", args: ["-s", "nope.yaml"], lines: [/nope\.yaml: .*file not found/] },
    {
      name: "unknown arm",
      args: ["-s", SPIKE, "--arms", "hpa-fork,nope"],
      lines: [/^wva bench: --arms: no arm "nope" in .*spike\.yaml \(its arms: hpa-fork, /],
    },
  ];
  for (const c of cases) {
    await t.step(c.name, async () => {
      const r = await bench(c.args);
      assert.equal(r.code, 2, r.stderr);
      const lines = r.stderr.trimEnd().split("\n").filter((l) => !l.startsWith("Run 'wva"));
      assert.equal(lines.length, c.lines.length, r.stderr);
      c.lines.forEach((re, i) => assert.match(lines[i]!, re));
      assert.doesNotMatch(r.stderr, /\n\s+at /);
    });
  }
});

Deno.test("wva bench --arms … --out DIR writes summary.json and report.html", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const out = join(dir, "out");
    const r = await bench([
      "--scenario",
      SPIKE,
      "--arms",
      "keda-queue,wva-v2",
      "--load-seconds",
      "400",
      "--out",
      out,
      "--plain",
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, / {2}keda-queue: \d+ of \d+ failed/);
    assert.match(r.stdout, /^wva-v2 /m);
    assert.match(r.stdout, /^keda-queue\s+.+× · .+ · .+×$/m, "the paper-like table");
    const summary = JSON.parse(await Deno.readTextFile(join(out, "summary.json")));
    assert.ok(summary.virtualSeconds > 0 && summary.wallSeconds > 0);
    assert.deepEqual(summary.arms.map((a: { name: string }) => a.name), ["keda-queue", "wva-v2"]);
    for (const a of summary.arms) {
      for (const k of ["requests", "failed", "goodputPerSec", "gpuHours", "cost"]) {
        assert.equal(typeof a[k], "number", `${a.name}.${k}`);
      }
      assert.deepEqual(Object.keys(a.sloAttainment), ["ttft01", "itl01", "all01"]);
    }
    const html = await Deno.readTextFile(join(out, "report.html"));
    assert.ok((html.match(/<svg/g) ?? []).length >= 8, "charts");
    for (const s of ["keda-queue", "wva-v2", "Scale events", "wva / baseline"]) {
      assert.ok(html.includes(s), s);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("wva bench --markdown --sweep prints Markdown tables with a row per point", async () => {
  const r = await bench([
    "-s",
    SPIKE,
    "--arms",
    "static-mean,wva-v1",
    "--load-seconds",
    "60",
    "--sweep",
    "loadScale=0.5,1",
    "--markdown",
    "--plain",
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^\| arm \| sweep \| requests \|/m);
  assert.match(r.stdout, /^\| wva-v1 \| loadScale=0\.5 \|/m);
  assert.match(r.stdout, /^\| loadScale=1 \| static-mean \| .* · .* · .* \|$/m);
});
