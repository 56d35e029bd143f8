import "./quiet_punycode.ts"; // before client-node: silences its punycode deprecation warning
import assert from "node:assert/strict";
import {
  CoreV1Api,
  createConfiguration,
  KubeConfig,
  ServerConfiguration,
} from "@kubernetes/client-node";
import type { Connection } from "./connection.ts";
import { KubeApiError } from "./errors.ts";
import { clientNodeHttpLibrary, createTransport } from "./transport.ts";

interface Seen {
  method: string;
  url: string;
  auth: string | null;
  type: string | null;
  body: string;
}

async function withServer(
  handler: (req: Request) => Response,
  fn: (conn: Connection, seen: Seen[]) => Promise<void>,
) {
  const seen: Seen[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    seen.push({
      method: req.method,
      url: req.url.replace(/^http:\/\/[^/]+/, ""),
      auth: req.headers.get("authorization"),
      type: req.headers.get("content-type"),
      body: await req.text(),
    });
    return handler(req);
  });
  const conn: Connection = {
    server: `http://127.0.0.1:${server.addr.port}`,
    caPem: undefined,
    clientCertPem: undefined,
    clientKeyPem: undefined,
    namespace: "default",
    authorization: () => Promise.resolve("Bearer t0k"),
    kc: new KubeConfig(),
  };
  try {
    await fn(conn, seen);
  } finally {
    await server.shutdown();
  }
}

Deno.test("createTransport().json() sends auth, query and body, and throws KubeApiError on failure", async () => {
  await withServer(
    (req) =>
      req.method === "PATCH"
        ? Response.json({ kind: "Status", code: 422, reason: "Invalid", message: "bad" }, {
          status: 422,
        })
        : Response.json({ ok: true }),
    async (conn, seen) => {
      const tr = createTransport(conn);
      try {
        assert.deepEqual(
          await tr.json("/api/v1/pods", {
            query: { labelSelector: "a=b", limit: 5, skip: undefined },
          }),
          { ok: true },
        );
        await assert.rejects(
          tr.json("/x", {
            method: "PATCH",
            body: { a: 1 },
            contentType: "application/merge-patch+json",
          }),
          (e) => e instanceof KubeApiError && e.code === 422 && e.reason === "Invalid",
        );
      } finally {
        tr.close();
      }
      assert.deepEqual(seen.map((s) => [s.method, s.url, s.auth, s.type, s.body]), [
        ["GET", "/api/v1/pods?labelSelector=a%3Db&limit=5", "Bearer t0k", null, ""],
        ["PATCH", "/x", "Bearer t0k", "application/merge-patch+json", '{"a":1}'],
      ]);
    },
  );
});

Deno.test("clientNodeHttpLibrary() carries client-node's typed requests over the transport", async () => {
  await withServer(
    () =>
      Response.json({
        apiVersion: "v1",
        kind: "NamespaceList",
        metadata: {},
        items: [{ metadata: { name: "ns1" } }],
      }),
    async (conn, seen) => {
      const tr = createTransport(conn);
      try {
        const api = new CoreV1Api(createConfiguration({
          baseServer: new ServerConfiguration(conn.server, {}),
          httpApi: clientNodeHttpLibrary(tr),
          authMethods: {},
        }));
        const list = await api.listNamespace({ labelSelector: "team=a" });
        assert.deepEqual(list.items.map((n) => n.metadata?.name), ["ns1"]);
      } finally {
        tr.close();
      }
      assert.equal(seen[0]?.url, "/api/v1/namespaces?labelSelector=team%3Da");
      assert.equal(seen[0]?.auth, "Bearer t0k");
    },
  );
});
