import assert from "node:assert/strict";
import { monotonicClock } from "./runner.ts";
import { sendRequest } from "./send_request.ts";
import { createSseParser } from "../../core/load/sse.ts";

/** A tiny scripted server: the request body's `mode` picks the behaviour. */
function startScriptedServer(): { url: string; close(): Promise<void> } {
  const enc = new TextEncoder();
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const body = await req.json() as { mode: string; tokens?: number; gapMs?: number };
    if (body.mode === "429") {
      return Response.json({ error: { message: "queue full" } }, { status: 429 });
    }
    if (body.mode === "500") return new Response("boom", { status: 500 });
    if (body.mode === "json") {
      return Response.json({
        choices: [{ text: "hi" }],
        usage: { prompt_tokens: 7, completion_tokens: 2 },
      });
    }
    const tokens = body.tokens ?? 3;
    const gapMs = body.gapMs ?? 20;
    const stream = new ReadableStream<Uint8Array>({
      async start(ctl) {
        const send = (o: unknown): void =>
          ctl.enqueue(enc.encode(`data: ${JSON.stringify(o)}\n\n`));
        send({ choices: [{ delta: { role: "assistant", content: "" } }] });
        if (body.mode === "stall") await new Promise((r) => setTimeout(r, 2000));
        for (let i = 0; i < tokens; i++) {
          await new Promise((r) => setTimeout(r, gapMs));
          send({ choices: [{ delta: { content: "x" } }] });
        }
        if (body.mode === "cut") {
          ctl.close();
          return;
        }
        if (body.mode === "error-event") send({ error: { message: "engine died" } });
        send({ choices: [], usage: { prompt_tokens: 11, completion_tokens: tokens } });
        ctl.enqueue(enc.encode("data: [DONE]\n\n"));
        ctl.close();
      },
    });
    return new Response(stream, { headers: { "content-type": "text/event-stream" } });
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    close: () => server.shutdown(),
  };
}

function send(url: string, body: unknown, opts: { timeoutMs?: number; cancel?: AbortSignal } = {}) {
  return sendRequest(
    {
      url,
      headers: {},
      body: JSON.stringify(body),
      stream: (body as { mode: string }).mode !== "json",
    },
    {
      clock: monotonicClock,
      timeoutMs: opts.timeoutMs ?? 5000,
      cancel: opts.cancel ?? new AbortController().signal,
    },
  );
}

Deno.test("createSseParser() handles split lines, CRLF, comments and multi-line data", () => {
  const got: string[] = [];
  const p = createSseParser((d) => got.push(d));
  for (
    const piece of [
      "data: a",
      "\r\n\r\n: comment\n",
      "event: x\ndata: b\ndata: c\n",
      "\n",
      "data:d",
    ]
  ) {
    p.push(piece);
  }
  p.end();
  assert.deepEqual(got, ["a", "b\nc", "d"]);
});

Deno.test("sendRequest() measures TTFT, every gap and usage on a stream", async () => {
  const srv = startScriptedServer();
  try {
    const m = await send(srv.url, { mode: "ok", tokens: 5, gapMs: 30 });
    assert.equal(m.ok, true, m.error);
    assert.equal(m.status, 200);
    assert.equal(m.contentChunks, 5);
    assert.equal(m.usageCompletionTokens, 5);
    assert.equal(m.usagePromptTokens, 11);
    assert.equal(m.itlMs.length, 4);
    const ttft = m.firstTokenAtMs! - m.sentAtMs;
    assert.ok(ttft >= 28 && ttft < 80, `ttft ${ttft}`);
    for (const g of m.itlMs) assert.ok(g >= 25 && g < 80, `gap ${g}`);
  } finally {
    await srv.close();
  }
});

Deno.test("sendRequest() classifies every failure instead of throwing", async (t) => {
  const srv = startScriptedServer();
  try {
    const cases: Array<[string, unknown, string, number, { timeoutMs?: number }?]> = [
      ["429", { mode: "429" }, "rate_limited", 429],
      ["500", { mode: "500" }, "server_error", 500],
      ["stream cut before [DONE]", { mode: "cut" }, "stream", 200],
      ["error event in stream", { mode: "error-event" }, "stream", 200],
      ["stall past the timeout", { mode: "stall" }, "timeout", 200, { timeoutMs: 150 }],
    ];
    for (const [name, body, cls, status, opts] of cases) {
      await t.step(name, async () => {
        const m = await send(srv.url, body, opts);
        assert.equal(m.ok, false);
        assert.equal(m.errorClass, cls);
        assert.equal(m.status, status);
        assert.ok(m.error && m.error.length > 0);
      });
    }
    await t.step("429 detail comes from the JSON error", async () => {
      assert.match((await send(srv.url, { mode: "429" })).error!, /queue full/);
    });
    await t.step("cancel", async () => {
      const ctl = new AbortController();
      setTimeout(() => ctl.abort(), 50);
      const m = await send(srv.url, { mode: "stall" }, { cancel: ctl.signal });
      assert.equal(m.errorClass, "cancelled");
    });
    await t.step("non-streaming answer uses usage and TTFT = E2E", async () => {
      const m = await send(srv.url, { mode: "json" });
      assert.equal(m.ok, true);
      assert.equal(m.usageCompletionTokens, 2);
      assert.equal(m.itlMs.length, 0);
    });
  } finally {
    await srv.close();
  }
  await t.step("connection refused", async () => {
    const m = await send(srv.url, { mode: "ok" });
    assert.equal(m.errorClass, "connection");
    assert.equal(m.status, 0);
  });
});
