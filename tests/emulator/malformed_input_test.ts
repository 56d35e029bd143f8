/**
 * Every malformed request gets a 4xx with a clear, field-naming message in the OpenAI error shape,
 * and the server keeps serving afterwards.
 */
import { strict as assert } from "node:assert";
import { FAILURE_HEADER } from "../../emulator/mod.ts";
import { postJson, withEmulator } from "./helpers.ts";

interface Case {
  readonly name: string;
  readonly path?: "/v1/chat/completions" | "/v1/completions";
  readonly body: unknown;
  readonly headers?: Record<string, string>;
  readonly status: number;
  /** The message must match this. */
  readonly re: RegExp;
}

const MSG = [{ role: "user", content: "hi" }];

const CASES: readonly Case[] = [
  { name: "truncated JSON", body: '{"messages": [', status: 400, re: /not valid JSON/ },
  { name: "empty body", body: "", status: 400, re: /body is empty/ },
  { name: "JSON array body", body: "[1,2]", status: 400, re: /must be a JSON object/ },
  { name: "JSON string body", body: '"hello"', status: 400, re: /must be a JSON object/ },
  { name: "messages missing", body: {}, status: 400, re: /messages: .*expected array/ },
  {
    name: "messages empty",
    body: { messages: [] },
    status: 400,
    re: /messages: must contain at least one/,
  },
  {
    name: "messages not an array",
    body: { messages: "hi" },
    status: 400,
    re: /messages: .*expected array/,
  },
  {
    name: "unknown role",
    body: { messages: [{ role: "robot", content: "x" }] },
    status: 400,
    re: /messages\[0\]\.role/,
  },
  {
    name: "content is a number",
    body: { messages: [{ role: "user", content: 5 }] },
    status: 400,
    re: /messages\[0\]\.content/,
  },
  {
    name: "image content part",
    body: {
      messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: "x" } }] }],
    },
    status: 400,
    re: /part type 'image_url' is not supported/,
  },
  {
    name: "max_tokens negative",
    body: { messages: MSG, max_tokens: -1 },
    status: 400,
    re: /max_tokens: .*>=1/,
  },
  {
    name: "max_tokens zero",
    body: { messages: MSG, max_tokens: 0 },
    status: 400,
    re: /max_tokens/,
  },
  {
    name: "max_tokens a string",
    body: { messages: MSG, max_tokens: "10" },
    status: 400,
    re: /max_tokens: .*expected number/,
  },
  {
    name: "max_tokens fractional",
    body: { messages: MSG, max_tokens: 1.5 },
    status: 400,
    re: /max_tokens: .*int/,
  },
  { name: "n zero", body: { messages: MSG, n: 0 }, status: 400, re: /^Invalid request: n: / },
  { name: "n too large", body: { messages: MSG, n: 1000 }, status: 400, re: /n: .*<=64/ },
  {
    name: "stream not boolean",
    body: { messages: MSG, stream: "yes" },
    status: 400,
    re: /stream: .*expected boolean/,
  },
  {
    name: "temperature out of range",
    body: { messages: MSG, temperature: 5 },
    status: 400,
    re: /temperature/,
  },
  {
    name: "stream_options wrong type",
    body: { messages: MSG, stream_options: 3 },
    status: 400,
    re: /stream_options/,
  },
  {
    name: "stream_options without stream",
    body: { messages: MSG, stream_options: { include_usage: true } },
    status: 400,
    re: /stream_options can only be set when stream is true/,
  },
  {
    name: "stream_options without stream",
    body: { messages: MSG, stream_options: { include_usage: true } },
    status: 400,
    re: /stream_options can only be set when stream is true/,
  },
  {
    name: "model not a string",
    body: { messages: MSG, model: 42 },
    status: 400,
    re: /model: .*expected string/,
  },
  {
    name: "unknown model",
    body: { messages: MSG, model: "nope" },
    status: 404,
    re: /The model 'nope' does not exist/,
  },
  {
    name: "context length exceeded",
    body: { messages: MSG, max_tokens: 500 },
    status: 400,
    re: /maximum context length is 256 tokens/,
  },
  { name: "prompt missing", path: "/v1/completions", body: {}, status: 400, re: /prompt/ },
  {
    name: "prompt empty string",
    path: "/v1/completions",
    body: { prompt: "" },
    status: 400,
    re: /prompt/,
  },
  {
    name: "prompt empty array",
    path: "/v1/completions",
    body: { prompt: [] },
    status: 400,
    re: /prompt/,
  },
  {
    name: "prompt a number",
    path: "/v1/completions",
    body: { prompt: 7 },
    status: 400,
    re: /prompt/,
  },
  {
    name: "prompt negative token id",
    path: "/v1/completions",
    body: { prompt: [1, -2] },
    status: 400,
    re: /prompt/,
  },
  {
    name: "prompt too long",
    path: "/v1/completions",
    body: { prompt: "x".repeat(2000) },
    status: 400,
    re: /maximum context length/,
  },
  {
    name: "unknown failure header",
    body: { messages: MSG },
    headers: { [FAILURE_HEADER]: "meteor" },
    status: 400,
    re: /unknown failure type 'meteor'/,
  },
  {
    name: "body over the size limit",
    body: { messages: [{ role: "user", content: "x".repeat(5000) }] },
    status: 413,
    re: /exceeds the limit/,
  },
];

Deno.test("malformed requests get a 4xx with a clear message and the server keeps serving", async (t) => {
  await withEmulator(
    { alphaMs: 1, betaMs: 0, maxModelLen: 256, maxBodyBytes: 4000 },
    async (emu) => {
      for (const c of CASES) {
        await t.step(c.name, async () => {
          const res = await postJson(`${emu.url}${c.path ?? "/v1/chat/completions"}`, c.body, {
            headers: c.headers ?? {},
          });
          const body = await res.json();
          assert.equal(res.status, c.status, JSON.stringify(body));
          assert.equal(res.headers.get("content-type"), "application/json");
          assert.equal(body.error.code, c.status);
          assert.equal(typeof body.error.type, "string");
          assert.match(body.error.message, c.re);
        });
      }
      await t.step("an unknown path is a FastAPI-style 404", async () => {
        const res = await fetch(`${emu.url}/v1/nothing`);
        assert.equal(res.status, 404);
        assert.deepEqual(await res.json(), { detail: "Not Found" });
      });
      await t.step("a valid request still succeeds afterwards", async () => {
        const res = await postJson(`${emu.url}/v1/chat/completions`, {
          messages: MSG,
          max_tokens: 2,
        });
        assert.equal(res.status, 200);
        assert.equal((await res.json()).usage.completion_tokens, 2);
        assert.equal(emu.core.stats().running, 0);
      });
    },
  );
});
