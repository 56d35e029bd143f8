/**
 * Readiness after the model-loading delay, drain (in-process and through SIGTERM on the CLI),
 * and a streaming client disconnect freeing its batch slot (every other way of leaving, the
 * non-streaming ones included, is in disconnect_test.ts).
 */
import { strict as assert } from "node:assert";
import { startEmulator } from "../../emulator/mod.ts";
import { freePort, waitForHttp } from "../helpers/ports.ts";
import { postJson, readSse, sampleValue, sleep, withEmulator } from "./helpers.ts";

const CHAT = "/v1/chat/completions";
const MSG = [{ role: "user", content: "hello" }];

Deno.test("emulator is live at once and ready only after the startup delay", async () => {
  await withEmulator({ startupDelayMs: 400, alphaMs: 1, betaMs: 0 }, async (emu) => {
    assert.equal(
      await fetch(`${emu.url}/health`).then(async (r) => (await r.body?.cancel(), r.status)),
      200,
    );
    const notReady = await fetch(`${emu.url}/health/ready`);
    assert.equal(notReady.status, 503);
    assert.deepEqual(await notReady.json(), { status: "loading" });
    const early = await postJson(`${emu.url}${CHAT}`, { messages: MSG });
    assert.equal(early.status, 503);
    assert.match((await early.json()).error.message, /still loading/);
    await waitForHttp(`${emu.url}/health/ready`, 3000);
    const ok = await postJson(`${emu.url}${CHAT}`, { messages: MSG, max_tokens: 1 });
    assert.equal(ok.status, 200);
    await ok.body?.cancel();
  });
});

Deno.test("drain() refuses new requests, lets in-flight streams finish, then closes", async () => {
  const emu = await startEmulator({ port: 0, alphaMs: 10, betaMs: 0, gammaMs: 0, deltaMs: 0 });
  const res = await postJson(`${emu.url}${CHAT}`, { messages: MSG, max_tokens: 20, stream: true });
  const reading = readSse(res);
  await sleep(50);
  const draining = emu.drain();
  const ready = await fetch(`${emu.url}/health/ready`);
  assert.equal(ready.status, 503);
  assert.deepEqual(await ready.json(), { status: "draining" });
  const refused = await postJson(`${emu.url}${CHAT}`, { messages: MSG });
  assert.equal(refused.status, 503);
  assert.match((await refused.json()).error.message, /shutting down/);
  const events = await reading;
  assert.equal(events.at(-1)!.data, "[DONE]");
  assert.equal(events.length, 1 + 20 + 1 + 1, "role + 20 tokens + finish + [DONE]");
  await draining;
  await emu.finished;
  await assert.rejects(fetch(`${emu.url}/health`));
});

Deno.test("aborting the runtime signal stops the server", async () => {
  const ctrl = new AbortController();
  const emu = await startEmulator({ port: 0 }, { signal: ctrl.signal });
  assert.equal(
    await fetch(`${emu.url}/health`).then(async (r) => (await r.body?.cancel(), r.status)),
    200,
  );
  ctrl.abort();
  await emu.finished;
  await assert.rejects(fetch(`${emu.url}/health`));
});

Deno.test("a client disconnect aborts its stream and frees the batch slot", async () => {
  await withEmulator({ maxNumSeqs: 1, alphaMs: 5, betaMs: 0 }, async (emu) => {
    const ctrl = new AbortController();
    const first = await postJson(`${emu.url}${CHAT}`, {
      messages: MSG,
      max_tokens: 3000,
      stream: true,
    }, {
      signal: ctrl.signal,
    });
    const got = await readSse(first, (_e, all) => all.length >= 3);
    assert.equal(got.length, 3);
    // the only seat would be held for 3000 × 5 ms = 15 s; once the client is gone it is free
    const t0 = performance.now();
    const res = await postJson(`${emu.url}${CHAT}`, { messages: MSG, max_tokens: 2 });
    assert.equal(res.status, 200);
    assert.equal((await res.json()).usage.completion_tokens, 2);
    assert.ok(performance.now() - t0 < 2000, "the second request did not wait for the first");
    const metrics = await (await fetch(`${emu.url}/metrics`)).text();
    const labels = `{model_name="default/default",engine="0",finished_reason="abort"}`;
    assert.equal(sampleValue(metrics, `vllm:request_success_total${labels}`), 1);
  });
});

Deno.test("wva emulator drains on SIGTERM and exits 0", async () => {
  const port = freePort();
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "main.ts",
      "emulator",
      "--port",
      String(port),
      "--alpha",
      "10",
      "--beta",
      "0",
    ],
    cwd: new URL("../../", import.meta.url).pathname,
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(`${url}/health/ready`, 20_000);
    const res = await postJson(`${url}${CHAT}`, { messages: MSG, max_tokens: 30, stream: true });
    const reading = readSse(res);
    await sleep(50);
    child.kill("SIGTERM");
    await sleep(50);
    const refused = await postJson(`${url}${CHAT}`, { messages: MSG });
    assert.equal(refused.status, 503);
    await refused.body?.cancel();
    const events = await reading;
    assert.equal(events.at(-1)!.data, "[DONE]");
    const status = await child.status;
    assert.equal(status.code, 0);
    const log = new TextDecoder().decode(await new Response(child.stderr).arrayBuffer());
    assert.match(log, /"msg":"emulator-draining"/);
    assert.match(log, /"msg":"emulator-stopped"/);
  } finally {
    try {
      child.kill("SIGKILL");
    } catch { /* exited */ }
    await child.status;
  }
});
