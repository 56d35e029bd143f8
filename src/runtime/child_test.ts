import assert from "node:assert/strict";
import { forEachLine, terminateChild, waitHttpReady } from "./child.ts";

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

Deno.test("forEachLine splits a stream into lines, the last one without a newline too", async () => {
  const lines: string[] = [];
  const body = new Response("a\nb\n\nc").body!;
  await forEachLine(body, (l) => lines.push(l));
  assert.deepEqual(lines, ["a", "b", "", "c"]);
});

Deno.test("waitHttpReady() waits for 2xx, stops on exit, gives up at the deadline", async (t) => {
  let calls = 0;
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    () => new Response(null, { status: ++calls < 3 ? 503 : 200 }),
  );
  const url = `http://127.0.0.1:${server.addr.port}/ready`;
  const o = { what: "thing", exited: () => false, timeoutMs: 5_000, intervalMs: 10 };
  try {
    await t.step("ready after two 503s", async () => {
      await waitHttpReady(url, o);
      assert.equal(calls, 3);
    });
    await t.step("the child exited: says so at once", async () => {
      await assert.rejects(
        waitHttpReady(url, { ...o, exited: () => true }),
        /^Error: thing exited at start-up$/,
      );
    });
  } finally {
    await server.shutdown();
  }
  await t.step("nothing answers: not ready within the timeout, naming the URL", async () => {
    await assert.rejects(
      waitHttpReady(url, { ...o, timeoutMs: 100 }),
      (e: Error) => e.message === `thing was not ready within 100 ms (${url})`,
    );
  });
});
