import assert from "node:assert/strict";
import { envSkipGate, hasBinary, toolGate } from "./tools.ts";

Deno.test("hasBinary() answers false for a missing binary instead of throwing", () => {
  assert.equal(hasBinary("wva-no-such-binary-7f3a"), false);
  assert.equal(hasBinary("shellcheck", ""), false, "an empty PATH finds nothing");
  assert.equal(hasBinary("/nonexistent/dir/tool"), false);
  assert.equal(hasBinary(""), false);
  // Spawning it would throw synchronously; the probe must not.
  assert.throws(() => new Deno.Command("wva-no-such-binary-7f3a").outputSync());
});

Deno.test("hasBinary() finds executables on PATH and by path, not plain files", async () => {
  assert.equal(hasBinary("sh"), true);
  assert.equal(hasBinary("sh", "/nonexistent:/bin:/usr/bin"), true);
  assert.equal(hasBinary(Deno.execPath()), true);
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/notexec`, "#!/bin/sh\n");
    await Deno.chmod(`${dir}/notexec`, 0o644);
    assert.equal(hasBinary("notexec", dir), false);
    await Deno.chmod(`${dir}/notexec`, 0o755);
    assert.equal(hasBinary("notexec", dir), true);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("toolGate() skips with the reason in the name, but fails under CI=true", () => {
  const lax = toolGate("t", ["wva-missing-tool"], "apt-get install x", { strict: false });
  assert.equal(lax.ignore, true);
  assert.match(lax.name, /^t \(skipped: wva-missing-tool not installed \(apt-get install x\)\)$/);
  const strict = toolGate("t", ["wva-missing-tool"], "apt-get install x", { strict: true });
  assert.equal(strict.ignore, false);
  assert.equal(strict.name, "t");
  assert.throws(() => strict.check(), /CI=true but wva-missing-tool not installed/);
  const present = toolGate("t", ["sh"], "-", { strict: true });
  assert.equal(present.ignore, false);
  present.check();
});

Deno.test("envSkipGate() honours the skip switch, except under CI=true", () => {
  const env = (k: string) => (k === "WVA_SKIP_X" ? "1" : undefined);
  const lax = envSkipGate("t", "WVA_SKIP_X", { strict: false, env });
  assert.deepEqual([lax.ignore, lax.name], [true, "t (skipped: WVA_SKIP_X=1)"]);
  const strict = envSkipGate("t", "WVA_SKIP_X", { strict: true, env });
  assert.equal(strict.ignore, false);
  assert.throws(() => strict.check(), /CI=true refuses WVA_SKIP_X=1/);
  const unset = envSkipGate("t", "WVA_SKIP_X", { strict: true, env: () => undefined });
  assert.equal(unset.ignore, false);
  unset.check();
});
