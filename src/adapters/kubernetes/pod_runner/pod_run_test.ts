import assert from "node:assert/strict";
import type { V1Pod } from "@kubernetes/client-node";
import { type PodRun, probeOnce, seePod } from "./pod_run.ts";

/** A pod object tagged with where it came from (the tag rides in `status.phase`). */
const pod = (rv: string, tag: string): V1Pod => ({
  metadata: { resourceVersion: rv },
  status: { phase: tag },
});

Deno.test("seePod() keeps the newest pod object", async (t) => {
  const cases: Array<[name: string, held: string, seen: string, kept: "held" | "seen"]> = [
    ["a newer object replaces the one held", "10", "11", "seen"],
    ["an older write answer arriving late is dropped", "11", "10", "held"],
    ["the same version replaces", "11", "11", "seen"],
    ["versions that are not numbers: the latest seen wins", "b", "a", "seen"],
  ];
  for (const [name, held, seen, kept] of cases) {
    await t.step(name, () => {
      const run = { pod: pod(held, "held") } as PodRun;
      seePod(run, pod(seen, "seen"));
      assert.equal(run.pod.status?.phase, kept);
    });
  }
});

Deno.test("probeOnce() is true for 2xx/3xx within the timeout, false otherwise", async (t) => {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    const path = new URL(req.url).pathname;
    if (path === "/slow") await new Promise((r) => setTimeout(r, 500));
    return new Response(null, { status: path === "/loading" ? 503 : 200 });
  });
  const base = `http://127.0.0.1:${server.addr.port}`;
  try {
    await t.step("ready", async () => assert.equal(await probeOnce(`${base}/ok`, 1000), true));
    await t.step("503 while loading", async () => {
      assert.equal(await probeOnce(`${base}/loading`, 1000), false);
    });
    await t.step("too slow", async () => assert.equal(await probeOnce(`${base}/slow`, 100), false));
    await t.step("nothing listening", async () => {
      assert.equal(await probeOnce("http://127.0.0.1:1/", 1000), false);
    });
  } finally {
    await server.shutdown();
  }
});
