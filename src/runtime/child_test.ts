import assert from "node:assert/strict";
import { terminateChild } from "./child.ts";

const spawn = (script: string) =>
  new Deno.Command("bash", { args: ["-c", script], stdout: "null", stderr: "null" }).spawn();

Deno.test("terminateChild() stops a child with SIGTERM, else SIGKILL after the grace", async (t) => {
  await t.step("a child that exits on SIGTERM", async () => {
    const c = spawn("exec sleep 30");
    await terminateChild(c, 5_000);
    assert.equal((await c.status).signal, "SIGTERM");
  });
  await t.step("a child that ignores SIGTERM is killed after the grace", async () => {
    const c = spawn("trap '' TERM; while :; do sleep 0.05; done");
    await new Promise((r) => setTimeout(r, 200)); // let bash install the trap
    const from = performance.now();
    await terminateChild(c, 300);
    assert.equal((await c.status).signal, "SIGKILL");
    assert.ok(performance.now() - from >= 250, "waited for the grace first");
  });
  await t.step("a child already gone", async () => {
    const c = spawn("exit 0");
    await c.status;
    await terminateChild(c, 100);
    assert.equal((await c.status).code, 0);
  });
});
