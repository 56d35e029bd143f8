import assert from "node:assert/strict";
import { KubeConfigError, loadConnection } from "./connection.ts";

const PEM = (what: string) => `-----BEGIN ${what}-----\nAAAA\n-----END ${what}-----\n`;
const b64 = (s: string) => btoa(s);

function kubeconfig(
  cluster: Record<string, unknown>,
  user: Record<string, unknown>,
  context: Record<string, unknown> = {},
) {
  return JSON.stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: "c", cluster: { server: "https://127.0.0.1:6443/", ...cluster } }],
    users: [{ name: "u", user }],
    contexts: [{ name: "ctx", context: { cluster: "c", user: "u", ...context } }],
    "current-context": "ctx",
  });
}

async function withFile<T>(text: string, fn: (path: string) => T | Promise<T>): Promise<T> {
  const path = await Deno.makeTempFile({ suffix: ".kubeconfig" });
  await Deno.writeTextFile(path, text);
  try {
    return await fn(path);
  } finally {
    await Deno.remove(path);
  }
}

Deno.test("loadConnection() reads a Kind-shaped kubeconfig with inlined CA, cert and key", async () => {
  const text = kubeconfig(
    { "certificate-authority-data": b64(PEM("CERTIFICATE")) },
    {
      "client-certificate-data": b64(PEM("CERTIFICATE")),
      "client-key-data": b64(PEM("RSA PRIVATE KEY")),
    },
  );
  await withFile(text, async (path) => {
    const c = loadConnection({ kubeconfigPath: path });
    assert.equal(c.server, "https://127.0.0.1:6443");
    assert.equal(c.caPem, PEM("CERTIFICATE"));
    assert.equal(c.clientKeyPem, PEM("RSA PRIVATE KEY"));
    assert.equal(c.namespace, "default");
    assert.equal(await c.authorization(), undefined, "client certs need no header");
  });
});

Deno.test("loadConnection() takes a bearer token, file references and the context namespace", async () => {
  const ca = await Deno.makeTempFile();
  await Deno.writeTextFile(ca, PEM("CERTIFICATE"));
  try {
    await withFile(
      kubeconfig({ "certificate-authority": ca }, { token: "s3cret" }, { namespace: "team-a" }),
      async (path) => {
        const c = loadConnection({ kubeconfigPath: path });
        assert.equal(c.caPem, PEM("CERTIFICATE"));
        assert.equal(c.clientCertPem, undefined);
        assert.equal(c.namespace, "team-a");
        assert.equal(await c.authorization(), "Bearer s3cret");
      },
    );
  } finally {
    await Deno.remove(ca);
  }
});

Deno.test("loadConnection() refuses unusable kubeconfigs with a message naming the problem", async (t) => {
  const cases: Array<[string, string | undefined, RegExp, string?]> = [
    ["a missing file", undefined, /cannot load kubeconfig \(\/nonexistent\/kubeconfig\)/],
    [
      "insecure-skip-tls-verify",
      kubeconfig({ "insecure-skip-tls-verify": true }, { token: "t" }),
      /insecure-skip-tls-verify/,
    ],
    [
      "a certificate without its key",
      kubeconfig({}, { "client-certificate-data": b64(PEM("CERTIFICATE")) }),
      /not both/,
    ],
    [
      "data that is not PEM",
      kubeconfig({ "certificate-authority-data": b64("hello") }, {}),
      /not base64 PEM/,
    ],
    ["an unknown context", kubeconfig({}, { token: "t" }), /no context 'other'/, "other"],
  ];
  for (const [name, text, message, context] of cases) {
    await t.step(name, async () => {
      const check = (path: string) =>
        assert.throws(() => loadConnection({ kubeconfigPath: path, context }), (e: Error) => {
          assert.ok(e instanceof KubeConfigError);
          assert.match(e.message, message);
          return true;
        });
      if (text === undefined) check("/nonexistent/kubeconfig");
      else await withFile(text, check);
    });
  }
});
