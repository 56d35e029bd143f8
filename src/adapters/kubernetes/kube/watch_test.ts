import "./quiet_punycode.ts"; // before client-node: silences its punycode deprecation warning
import assert from "node:assert/strict";
import { KubeConfig } from "@kubernetes/client-node";
import type { Connection } from "./connection.ts";
import { KubeApiError } from "./errors.ts";
import { createTransport } from "./transport.ts";
import { watch, type WatchEvent } from "./watch.ts";

interface Obj {
  metadata: { name: string; namespace: string; resourceVersion: string };
}
const obj = (name: string, rv: number): Obj => ({
  metadata: { name, namespace: "ns", resourceVersion: String(rv) },
});

type Reply = Response | (() => Response);

/** A scripted fake apiserver: each list/watch request takes the next reply of its queue. */
function fakeApiserver(lists: Reply[], watches: Reply[]) {
  const watchRvs: string[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (req) => {
    const url = new URL(req.url);
    const isWatch = url.searchParams.get("watch") === "1";
    if (isWatch) watchRvs.push(url.searchParams.get("resourceVersion") ?? "");
    const next = (isWatch ? watches : lists).shift();
    if (!next) return hangingStream(req.signal);
    return typeof next === "function" ? next() : next;
  });
  const conn: Connection = {
    server: `http://127.0.0.1:${server.addr.port}`,
    caPem: undefined,
    clientCertPem: undefined,
    clientKeyPem: undefined,
    namespace: "default",
    authorization: () => Promise.resolve(undefined),
    kc: new KubeConfig(),
  };
  return { server, transport: createTransport(conn), watchRvs };
}

function list(rv: number, items: Obj[]): Response {
  return Response.json({ metadata: { resourceVersion: String(rv) }, items });
}

function stream(events: unknown[]): Response {
  return new Response(events.map((e) => JSON.stringify(e) + "\n").join(""));
}

/** A watch that stays open (no events) until the client goes away. */
function hangingStream(signal: AbortSignal): Response {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      signal.addEventListener("abort", () => controller.close(), { once: true });
    },
  });
  return new Response(body);
}

async function collect(
  lists: Reply[],
  watches: Reply[],
  until: (events: WatchEvent<Obj>[]) => boolean,
  extra: { onError?: (err: unknown, attempt: number) => void } = {},
) {
  const { server, transport, watchRvs } = fakeApiserver(lists, watches);
  const events: WatchEvent<Obj>[] = [];
  const syncs: boolean[] = [];
  const ac = new AbortController();
  const done = watch<Obj>(transport, "/api/v1/namespaces/ns/things", {
    signal: ac.signal,
    backoff: { initialMs: 1, maxMs: 5 },
    onEvent: (e) => {
      events.push(e);
      if (until(events)) ac.abort();
    },
    onSync: (s) => void syncs.push(s.relist),
    ...extra,
  });
  const timer = setTimeout(() => ac.abort(), 5000);
  try {
    await done;
  } finally {
    clearTimeout(timer);
    transport.close();
    await server.shutdown();
  }
  return { events, syncs, watchRvs };
}

const summary = (events: WatchEvent<Obj>[]) =>
  events.map((e) => `${e.type} ${e.object.metadata.name}@${e.object.metadata.resourceVersion}`);

Deno.test("watch() lists, watches, resumes from the last resourceVersion, and re-lists on 410", async (t) => {
  await t.step("410 as an ERROR event: re-list and emit the difference", async () => {
    const r = await collect(
      [list(10, [obj("a", 1), obj("b", 2)]), list(20, [obj("a", 1), obj("c", 12), obj("d", 13)])],
      [
        stream([{ type: "ADDED", object: obj("c", 11) }, {
          type: "BOOKMARK",
          object: obj("", 15),
        }]),
        stream([{ type: "ERROR", object: { kind: "Status", code: 410, reason: "Expired" } }]),
      ],
      (ev) => ev.length >= 6,
    );
    assert.deepEqual(summary(r.events), [
      "ADDED a@1",
      "ADDED b@2",
      "ADDED c@11",
      "MODIFIED c@12",
      "ADDED d@13",
      "DELETED b@2",
    ]);
    assert.deepEqual(
      r.watchRvs.slice(0, 2),
      ["10", "15"],
      "second watch resumes after the bookmark",
    );
    assert.deepEqual(r.syncs, [false, true]);
  });

  await t.step("410 as the HTTP status of the watch request also re-lists", async () => {
    const r = await collect(
      [list(5, [obj("a", 1)]), list(9, [obj("a", 7)])],
      [new Response('{"kind":"Status","code":410}', { status: 410 })],
      (ev) => ev.length >= 2,
    );
    assert.deepEqual(summary(r.events), ["ADDED a@1", "MODIFIED a@7"]);
  });

  await t.step(
    "server errors are reported and retried with backoff, then events flow",
    async () => {
      const errors: number[] = [];
      const r = await collect(
        [list(3, [])],
        [
          new Response("boom", { status: 500 }),
          () =>
            Response.json({ kind: "Status", code: 503, reason: "ServiceUnavailable" }, {
              status: 503,
            }),
          stream([{ type: "ADDED", object: obj("x", 4) }]),
        ],
        (ev) => ev.length >= 1,
        {
          onError: (err, attempt) => {
            assert.ok(err instanceof KubeApiError);
            errors.push(attempt);
          },
        },
      );
      assert.deepEqual(errors, [1, 2]);
      assert.deepEqual(summary(r.events), ["ADDED x@4"]);
      assert.deepEqual(r.watchRvs.slice(0, 3), ["3", "3", "3"]);
    },
  );
});

Deno.test("watch() starting from a resourceVersion skips the list", async () => {
  const { server, transport, watchRvs } = fakeApiserver([], [
    stream([{ type: "DELETED", object: obj("z", 42) }]),
  ]);
  const ac = new AbortController();
  const seen: string[] = [];
  await watch<Obj>(transport, "/x", {
    signal: ac.signal,
    resourceVersion: "41",
    onEvent: (e) => {
      seen.push(`${e.type} ${e.object.metadata.name}`);
      ac.abort();
    },
  });
  transport.close();
  await server.shutdown();
  assert.deepEqual(seen, ["DELETED z"]);
  assert.equal(watchRvs[0], "41");
});

Deno.test("watch() rejects with the error thrown by onEvent instead of retrying", async () => {
  const { server, transport } = fakeApiserver([list(1, [obj("a", 1)])], []);
  const boom = new Error("consumer failed");
  await assert.rejects(
    watch<Obj>(transport, "/x", {
      signal: new AbortController().signal,
      onEvent: () => Promise.reject(boom),
    }),
    (err) => err === boom,
  );
  transport.close();
  await server.shutdown();
});
