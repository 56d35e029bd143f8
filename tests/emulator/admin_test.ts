/** The admin API reads and changes latency and failure settings at run time. */
import { strict as assert } from "node:assert";
import { postJson, readSse, withEmulator } from "./helpers.ts";

function patch(url: string, body: unknown): Promise<Response> {
  return fetch(`${url}/admin/config`, {
    method: "PATCH",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

Deno.test("admin API changes alpha/beta for the following steps", async () => {
  await withEmulator({ alphaMs: 5, betaMs: 0, gammaMs: 0, deltaMs: 0 }, async (emu) => {
    const before = await (await fetch(`${emu.url}/admin/config`)).json();
    assert.equal(before.alphaMs, 5);
    assert.equal(before.readOnly.kvCacheBlocks, 27000);
    const res = await patch(emu.url, { alphaMs: 40, betaMs: 0 });
    assert.equal(res.status, 200);
    assert.equal((await res.json()).alphaMs, 40);
    const r = await postJson(`${emu.url}/v1/completions`, {
      prompt: "x",
      max_tokens: 6,
      stream: true,
    });
    const t = (await readSse(r)).filter((e) => e.data.includes('"finish_reason":null')).map((e) =>
      e.atMs
    );
    const meanGap = (t.at(-1)! - t[0]!) / (t.length - 1);
    assert.ok(Math.abs(meanGap - 40) < 4, `mean gap ${meanGap.toFixed(1)} ms vs 40`);
  });
});

Deno.test("admin API turns failure injection on and rejects invalid changes", async (t) => {
  await withEmulator({ alphaMs: 1, betaMs: 0 }, async (emu) => {
    await t.step("failure rate 1 with rate_limit makes every request a 429", async () => {
      const res = await patch(emu.url, { failure: { rate01: 1, types: ["rate_limit"] } });
      assert.equal(res.status, 200);
      const r = await postJson(`${emu.url}/v1/completions`, { prompt: "x" });
      assert.equal(r.status, 429);
      await r.body?.cancel();
      await (await patch(emu.url, { failure: { rate01: 0 } })).body?.cancel();
      const ok = await postJson(`${emu.url}/v1/completions`, { prompt: "x", max_tokens: 1 });
      assert.equal(ok.status, 200);
      await ok.text();
    });
    const bad = [
      { body: { alphaMs: -1 }, re: /alphaMs/ },
      { body: { kvCacheBlocks: 5 }, re: /kvCacheBlocks/ },
      { body: { failure: { types: ["meteor"] } }, re: /failure\.types/ },
    ];
    for (const c of bad) {
      await t.step(`rejects ${JSON.stringify(c.body)}`, async () => {
        const res = await patch(emu.url, c.body);
        assert.equal(res.status, 400);
        assert.match((await res.json()).error.message, c.re);
      });
    }
    const after = await (await fetch(`${emu.url}/admin/config`)).json();
    assert.equal(after.alphaMs, 1, "rejected changes leave settings alone");
  });
});
