/**
 * A client that goes away before its response is complete, against a real server: the emulator
 * must notice at once, free the batch seat and count the request as `finished_reason="abort"`,
 * for non-streaming responses (headers at once, body at the end) as for streaming ones, however
 * the client leaves: aborting its fetch, cancelling the body, closing the socket, or resetting an
 * HTTP/2 stream on a connection that stays open.
 *
 * Everything is observed from outside, as a user would: `/metrics` and a following request that
 * must be admitted at once (the only seat would otherwise be held for 3000 × 5 ms = 15 s).
 */
import { strict as assert } from "node:assert";
import http2 from "node:http2";
import type { EmulatorHandle } from "../../emulator/mod.ts";
import { postJson, sampleValue, sleep, withEmulator } from "./helpers.ts";

const CHAT = "/v1/chat/completions";
const MSG = [{ role: "user", content: "hello" }];
const LONG = { messages: MSG, max_tokens: 3000 };
const LABELS = `{model_name="default/default",engine="0"}`;
const reason = (r: string) =>
  `vllm:request_success_total{model_name="default/default",engine="0",finished_reason="${r}"}`;

interface Counts {
  readonly running: number;
  readonly abort: number;
  readonly length: number;
}

async function counts(emu: EmulatorHandle): Promise<Counts> {
  const text = await (await fetch(`${emu.url}/metrics`)).text();
  const get = (series: string) => {
    const v = sampleValue(text, series);
    assert.ok(v !== undefined, `no sample ${series}`);
    return v;
  };
  return {
    running: get(`vllm:num_requests_running${LABELS}`),
    abort: get(reason("abort")),
    length: get(reason("length")),
  };
}

/** Polls `/metrics` until `ok` holds (every 5 ms, up to `timeoutMs`); returns the last counts. */
async function until(
  emu: EmulatorHandle,
  ok: (c: Counts) => boolean,
  timeoutMs = 2000,
): Promise<Counts> {
  const deadline = performance.now() + timeoutMs;
  let c = await counts(emu);
  while (!ok(c) && performance.now() < deadline) {
    await sleep(5);
    c = await counts(emu);
  }
  return c;
}

/**
 * Starts a long request; returns the function that makes its client go away, and how many other
 * requests of the case finish by themselves (`length`) before the next one is sent.
 */
type Leave = (
  emu: EmulatorHandle,
) => Promise<{
  readonly go: () => Promise<void>;
  readonly others?: number;
  /** Releases what the case holds open after the checks (an HTTP/2 session). */
  readonly cleanup?: () => void;
}>;

async function rawRequest(emu: EmulatorHandle, body: unknown): Promise<Deno.TcpConn> {
  const json = JSON.stringify(body);
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: emu.port });
  const head = `POST ${CHAT} HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n` +
    `content-length: ${new TextEncoder().encode(json).length}\r\n\r\n`;
  await conn.write(new TextEncoder().encode(head + json));
  return conn;
}

const WAYS: readonly (readonly [string, Leave])[] = [
  ["non-streaming: the client aborts its fetch before the body", (emu) => {
    const ctrl = new AbortController();
    const pending = postJson(`${emu.url}${CHAT}`, LONG, { signal: ctrl.signal })
      .then((r) => r.text()).catch((e: unknown) => e);
    return Promise.resolve({
      go: async () => {
        ctrl.abort();
        assert.ok((await pending) instanceof Error, "the fetch did not fail");
      },
    });
  }],
  ["non-streaming: the client cancels the response body", async (emu) => {
    const res = await postJson(`${emu.url}${CHAT}`, LONG);
    assert.equal(res.status, 200);
    return { go: () => res.body!.cancel() };
  }],
  ["non-streaming: the client closes its socket without reading", async (emu) => {
    const conn = await rawRequest(emu, LONG);
    return { go: () => Promise.resolve(conn.close()) };
  }],
  ["non-streaming over HTTP/2: the client resets its stream, the connection stays", async (emu) => {
    const session = http2.connect(emu.url);
    const req = session.request({
      ":method": "POST",
      ":path": CHAT,
      "content-type": "application/json",
    });
    req.end(JSON.stringify(LONG));
    await new Promise((resolve) => req.once("response", resolve));
    return {
      go: () => Promise.resolve(void req.close(http2.constants.NGHTTP2_CANCEL)),
      cleanup: () => session.close(),
    };
  }],
  ["non-streaming, waiting in the queue: the client cancels the body", async (emu) => {
    // The seat is taken by a request that ends by itself; ours waits, then its client leaves.
    const holder = postJson(`${emu.url}${CHAT}`, { messages: MSG, max_tokens: 40 })
      .then((r) => r.text());
    await until(emu, (c) => c.running === 1);
    const res = await postJson(`${emu.url}${CHAT}`, LONG);
    return {
      go: async () => {
        await res.body!.cancel();
        await holder;
      },
      others: 1,
    };
  }],
  ["streaming: the client cancels after three chunks", async (emu) => {
    const res = await postJson(`${emu.url}${CHAT}`, { ...LONG, stream: true });
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = "";
    while (text.split("\n\n").length <= 3) {
      const { value, done } = await reader.read();
      assert.ok(!done, "the stream ended early");
      text += value;
    }
    return { go: () => reader.cancel() };
  }],
];

Deno.test("a client that goes away is aborted at once, counted, and frees its seat", async (t) => {
  for (const [name, leave] of WAYS) {
    await t.step(name, async () => {
      await withEmulator({ maxNumSeqs: 1, alphaMs: 5, betaMs: 0 }, async (emu) => {
        const { go, others = 0, cleanup } = await leave(emu);
        try {
          const before = await until(emu, (c) => c.running === 1);
          assert.equal(before.running, 1, "the long request never ran");
          const t0 = performance.now();
          await go();
          const after = await until(emu, (c) => c.abort > before.abort);
          const noticedMs = performance.now() - t0;
          assert.equal(after.abort, before.abort + 1, `abort count after ${noticedMs} ms`);
          assert.ok(noticedMs < 1000, `the disconnect was noticed after ${noticedMs} ms`);
          assert.equal((await until(emu, (c) => c.running === 0)).running, 0);
          const t1 = performance.now();
          const next = await postJson(`${emu.url}${CHAT}`, { messages: MSG, max_tokens: 2 });
          assert.equal(next.status, 200);
          assert.equal((await next.json()).usage.completion_tokens, 2);
          assert.ok(performance.now() - t1 < 1000, "the following request waited for a seat");
          const end = await counts(emu);
          assert.equal(end.abort, before.abort + 1, "the following request was counted as abort");
          assert.equal(end.length, before.length + others + 1);
        } finally {
          cleanup?.();
        }
      });
    });
  }
});

Deno.test("a client trickling its body does not hold back other answers' early headers", async () => {
  const opts = { alphaMs: 10, betaMs: 0, responseHoldMs: 100, bodyTimeoutMs: 5000 } as const;
  await withEmulator(opts, async (emu) => {
    // a body that never finishes: its timeout (5 s) waits in a queue of its own
    const stalled = new ReadableStream<Uint8Array>({
      start(ctrl) {
        ctrl.enqueue(new TextEncoder().encode('{"messages": ['));
      },
    });
    const ctrl = new AbortController();
    const slow = fetch(`${emu.url}${CHAT}`, { method: "POST", body: stalled, signal: ctrl.signal })
      .catch(() => undefined);
    await sleep(100);
    // 100 tokens × 10 ms = 1 s: the headers go out after the 100 ms hold
    const t0 = performance.now();
    const res = await postJson(`${emu.url}${CHAT}`, { messages: MSG, max_tokens: 100 });
    const headersMs = performance.now() - t0;
    await res.body?.cancel();
    ctrl.abort();
    await slow;
    assert.ok(headersMs < 600, `headers after ${headersMs.toFixed(0)} ms`);
  });
});
