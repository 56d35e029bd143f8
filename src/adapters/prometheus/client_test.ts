import assert from "node:assert/strict";
import { makeTestTls } from "../../../tests/controller/helpers/tls.ts";
import { createPromClient, parsePromValue, parseQueryResponse, PromQueryError } from "./client.ts";

/** A fake Prometheus API on loopback that records what it receives. */
function fakeProm(tls?: { cert: string; key: string }) {
  const seen: { query: string; auth: string | null }[] = [];
  const server = Deno.serve(
    { port: 0, hostname: "127.0.0.1", onListen() {}, ...(tls ?? {}) },
    async (req) => {
      const form = new URLSearchParams(await req.text());
      const query = form.get("query") ?? "";
      seen.push({ query, auth: req.headers.get("authorization") });
      if (query === "bad(") {
        return Response.json({
          status: "error",
          errorType: "bad_data",
          error: "parse error",
        }, { status: 400 });
      }
      if (query === "deny") return new Response("no", { status: 403 });
      return Response.json({
        status: "success",
        data: {
          resultType: "vector",
          result: [{ metric: { pod: "p-0" }, value: [1700000000.5, "0.25"] }],
        },
      });
    },
  );
  const scheme = tls ? "https" : "http";
  return { url: `${scheme}://127.0.0.1:${server.addr.port}`, seen, stop: () => server.shutdown() };
}

Deno.test("parseQueryResponse() and parsePromValue() read the API shapes", async (t) => {
  await t.step("vector with special values", () => {
    const body = JSON.stringify({
      status: "success",
      data: {
        resultType: "vector",
        result: [
          { metric: { a: "1" }, value: [10, "NaN"] },
          { metric: {}, value: [10, "+Inf"] },
        ],
      },
    });
    const r = parseQueryResponse(200, body);
    assert.ok(Number.isNaN(r[0]!.value));
    assert.equal(r[1]!.value, Infinity);
    assert.equal(r[0]!.atMs, 10_000);
  });
  await t.step("scalar", () => {
    const body = JSON.stringify({
      status: "success",
      data: { resultType: "scalar", result: [1, "3"] },
    });
    assert.deepEqual(parseQueryResponse(200, body), [{ labels: {}, atMs: 1000, value: 3 }]);
  });
  await t.step("errors name the cause", () => {
    assert.throws(() => parseQueryResponse(502, "<html>"), /non-JSON/);
    assert.throws(
      () =>
        parseQueryResponse(
          200,
          '{"status":"success","data":{"resultType":"vector","result":[{"x":1}]}}',
        ),
      /unexpected shape/,
    );
    assert.equal(parsePromValue("-Inf"), -Infinity);
  });
});

Deno.test("createPromClient() talks to a real HTTP server", async (t) => {
  const prom = fakeProm();
  const tokenDir = await Deno.makeTempDir();
  try {
    await t.step("posts the query and parses the vector", async () => {
      const c = createPromClient({ url: prom.url });
      const r = await c.instant("up");
      c.close();
      assert.deepEqual(r, [{ labels: { pod: "p-0" }, atMs: 1700000000500, value: 0.25 }]);
      assert.equal(prom.seen.at(-1)!.query, "up");
      assert.equal(prom.seen.at(-1)!.auth, null);
    });
    await t.step("sends the bearer token, from the flag or a file", async () => {
      await Deno.writeTextFile(`${tokenDir}/token`, "from-file\n");
      const a = createPromClient({
        url: prom.url,
        bearerToken: "direct",
        tokenFile: `${tokenDir}/token`,
      });
      await a.instant("up");
      a.close();
      assert.equal(prom.seen.at(-1)!.auth, "Bearer direct");
      const b = createPromClient({ url: prom.url, tokenFile: `${tokenDir}/token` });
      await b.instant("up");
      b.close();
      assert.equal(prom.seen.at(-1)!.auth, "Bearer from-file");
    });
    await t.step("API errors, refusals and unreachable servers are PromQueryErrors", async () => {
      const c = createPromClient({ url: prom.url });
      await assert.rejects(() => c.instant("bad("), /bad_data: parse error/);
      await assert.rejects(() => c.instant("deny"), /refused the query \(403\)/);
      c.close();
      const dead = createPromClient({ url: "http://127.0.0.1:1", timeoutMs: 2000 });
      await assert.rejects(() => dead.instant("up"), PromQueryError);
      dead.close();
    });
  } finally {
    await prom.stop();
    await Deno.remove(tokenDir, { recursive: true });
  }
});

Deno.test("createPromClient() TLS: CA file, refusal without it, insecure only when asked", async (t) => {
  const tls = await makeTestTls();
  const prom = fakeProm({ cert: tls.certPem, key: tls.keyPem });
  try {
    await t.step("verifies with the CA file", async () => {
      const c = createPromClient({ url: prom.url, caFile: tls.caFile });
      assert.equal((await c.instant("up")).length, 1);
      c.close();
    });
    await t.step("an unknown CA is refused", async () => {
      const c = createPromClient({ url: prom.url });
      await assert.rejects(() => c.instant("up"), /unreachable/);
      c.close();
    });
    await t.step("insecureSkipVerify connects without the CA", async () => {
      const c = createPromClient({ url: prom.url, insecureSkipVerify: true, bearerToken: "t" });
      assert.equal((await c.instant("up")).length, 1);
      assert.equal(prom.seen.at(-1)!.auth, "Bearer t");
      c.close();
    });
    await t.step("a missing CA file fails at creation", () => {
      assert.throws(
        () => createPromClient({ url: prom.url, caFile: "/nonexistent/ca.pem" }),
        /cannot read CA file/,
      );
    });
  } finally {
    await prom.stop();
    await tls.cleanup();
  }
});
