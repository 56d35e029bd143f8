import assert from "node:assert/strict";

const MODES = ["plan", "emulator", "loadgen", "controller", "demo", "bench", "migrate"];

async function wva(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "main.ts", ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

Deno.test("wva --help lists every mode and exits 0", async () => {
  const r = await wva(["--help"]);
  assert.equal(r.code, 0);
  for (const m of MODES) assert.match(r.stdout, new RegExp(`^  ${m}\\s`, "m"));
});

Deno.test("wva with an unknown mode prints usage and exits 2", async () => {
  const r = await wva(["frobnicate"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /unknown mode 'frobnicate'/);
  assert.match(r.stderr, /Usage: wva <mode>/);
});

Deno.test("wva <mode> --help works for every mode; an unknown flag exits 2 without a stack", async (t) => {
  for (const m of MODES) {
    await t.step(m, async () => {
      const help = await wva([m, "--help"]);
      assert.equal(help.code, 0, help.stderr);
      assert.match(help.stdout, new RegExp(`Usage: wva ${m}`));
      const bad = await wva([m, "--definitely-not-a-flag"]);
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /definitely-not-a-flag/);
      assert.doesNotMatch(bad.stderr, /\n\s+at /);
    });
  }
});
