/**
 * `wva emulator --replicas 3`: three replicas on consecutive ports in one process, each with its
 * own engine (its `/metrics` counts only its own requests) and `engine` label; SIGTERM drains
 * them together (in-flight streams on every replica finish) and the process exits 0.
 */
import { strict as assert } from "node:assert";
import { waitForHttp } from "../helpers/ports.ts";
import {
  freePortRun,
  postJson,
  readSse,
  reap,
  sampleValue,
  sleep,
  spawnEmulatorCli,
} from "./helpers.ts";

const MSG = [{ role: "user", content: "hello" }];

function successTotal(text: string, engine: number): number {
  const labels = `model_name="default/default",engine="${engine}"`;
  return ["stop", "length", "abort"]
    .map((r) => sampleValue(text, `vllm:request_success_total{${labels},finished_reason="${r}"}`))
    .reduce((a: number, b) => a + (b ?? NaN), 0);
}

Deno.test("wva emulator --replicas 3 serves three engines on consecutive ports and drains them together", async () => {
  const base = freePortRun(3);
  const child = spawnEmulatorCli([
    "--replicas",
    "3",
    "--port",
    String(base),
    "--alpha",
    "10",
    "--beta",
    "0",
  ]);
  const urls = [0, 1, 2].map((i) => `http://127.0.0.1:${base + i}`);
  try {
    for (const url of urls) await waitForHttp(`${url}/health/ready`, 20_000);
    // replica i gets i + 1 requests
    for (const [i, url] of urls.entries()) {
      for (let k = 0; k <= i; k++) {
        const res = await postJson(`${url}/v1/chat/completions`, { messages: MSG, max_tokens: 2 });
        assert.equal(res.status, 200);
        await res.body?.cancel();
      }
    }
    for (const [i, url] of urls.entries()) {
      const text = await (await fetch(`${url}/metrics`)).text();
      assert.equal(successTotal(text, i), i + 1, `replica ${i} counts its own requests`);
      const others = [0, 1, 2].filter((j) => j !== i);
      for (const j of others) assert.ok(!text.includes(`engine="${j}"`), `no engine ${j} on ${i}`);
    }
    const streams = urls.map((url) =>
      postJson(`${url}/v1/chat/completions`, { messages: MSG, max_tokens: 30, stream: true })
        .then((r) => readSse(r))
    );
    await sleep(50);
    child.kill("SIGTERM");
    await sleep(50);
    for (const url of urls) {
      const refused = await postJson(`${url}/v1/chat/completions`, { messages: MSG });
      assert.equal(refused.status, 503, `${url} drains`);
      await refused.body?.cancel();
    }
    for (const events of await Promise.all(streams)) {
      assert.equal(events.at(-1)!.data, "[DONE]");
      assert.equal(events.length, 1 + 30 + 1 + 1, "role + 30 tokens + finish + [DONE]");
    }
    assert.equal((await child.status).code, 0);
    const log = new TextDecoder().decode(await new Response(child.stderr).arrayBuffer());
    assert.equal(log.match(/"msg":"emulator-stopped"/g)?.length, 3);
  } finally {
    await reap(child);
  }
});
