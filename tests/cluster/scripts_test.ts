/**
 * The cluster scripts' failure paths, which need no cluster: missing binaries give a clear
 * message that says how to build them; bad arguments exit 2; the build script reports what is
 * missing from its cache without building.
 */
import assert from "node:assert/strict";
import { startTestCluster } from "../helpers/testcluster.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

async function run(script: string, args: string[], env: Record<string, string> = {}) {
  const out = await new Deno.Command("bash", {
    args: [`${ROOT}scripts/${script}`, ...args],
    env,
    stdin: "null",
  })
    .output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

Deno.test("startTestCluster() fails with a message naming the missing binaries and the build command", async () => {
  const empty = await Deno.makeTempDir({ prefix: "wva-nobin-" });
  try {
    await assert.rejects(startTestCluster({ binDir: empty }), (err: Error) => {
      assert.match(err.message, /missing Kubernetes binaries in .*: etcd kube-apiserver kubectl/);
      assert.match(err.message, /scripts\/build_k8s\.sh/);
      return true;
    });
  } finally {
    await Deno.remove(empty, { recursive: true });
  }
});

Deno.test("testcluster.sh rejects bad arguments with exit 2", async (t) => {
  const cases: Array<[string, string[], RegExp]> = [
    ["unknown command", ["frobnicate"], /up \[--full/],
    ["unknown flag", ["up", "--bogus"], /unknown argument '--bogus'/],
    ["zero nodes", ["up", "--full", "--nodes", "0"], /--nodes must be a positive integer/],
    ["--keda without --full", ["up", "--keda"], /--keda needs --full/],
    ["--pod-runner without --full", ["up", "--pod-runner"], /--pod-runner needs --full/],
    [
      "bad HPA sync period",
      ["up", "--full", "--hpa-sync-period", "soon"],
      /--hpa-sync-period must be a duration/,
    ],
  ];
  for (const [name, args, message] of cases) {
    await t.step(name, async () => {
      const dir = await Deno.makeTempDir();
      const r = await run("testcluster.sh", [...args, "--dir", dir]);
      await Deno.remove(dir, { recursive: true });
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, message);
    });
  }
});

Deno.test("build_k8s.sh --check lists what is missing from an empty cache without building", async () => {
  const cache = await Deno.makeTempDir({ prefix: "wva-cache-" });
  try {
    const r = await run("build_k8s.sh", ["--check"], { WVA_CACHE_DIR: cache });
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /missing in .*\/k8s\/v1\.\d+\.\d+\/bin: etcd@v3\.\d+\.\d+ kube-apiserver@v1\.\d+\.\d+ kwok@v0\.\d+\.\d+/,
    );
    const dir = await run("build_k8s.sh", ["--print-bin-dir"], { WVA_CACHE_DIR: cache });
    assert.ok(
      /\/k8s\/v1\.\d+\.\d+\/bin$/.test(dir.stdout.trim()) && dir.stdout.startsWith(cache),
      dir.stdout,
    );
    assert.deepEqual([...Deno.readDirSync(cache)], [], "nothing was built or created");
  } finally {
    await Deno.remove(cache, { recursive: true });
  }
});

Deno.test("startTestCluster({keda}) fails with a message naming the missing KEDA pieces and the build command", async () => {
  const empty = await Deno.makeTempDir({ prefix: "wva-nokeda-" });
  try {
    await assert.rejects(startTestCluster({ keda: true, kedaDir: empty }), (err: Error) => {
      assert.match(err.message, /missing KEDA pieces in .*: keda-operator keda-adapter crds/);
      assert.match(err.message, /scripts\/build_keda\.sh/);
      return true;
    });
  } finally {
    await Deno.remove(empty, { recursive: true });
  }
});

Deno.test("build_keda.sh --check lists what is missing from an empty cache without building", async () => {
  const cache = await Deno.makeTempDir({ prefix: "wva-cache-" });
  try {
    const r = await run("build_keda.sh", ["--check"], { WVA_CACHE_DIR: cache });
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /missing in .*\/keda\/v2\.\d+\.\d+: keda-operator@v2\.\d+\.\d+ keda-adapter@v2\.\d+\.\d+ crds@/,
    );
    const dir = await run("build_keda.sh", ["--print-dir"], { WVA_CACHE_DIR: cache });
    assert.ok(
      /\/keda\/v2\.\d+\.\d+$/.test(dir.stdout.trim()) && dir.stdout.startsWith(cache),
      dir.stdout,
    );
    assert.deepEqual([...Deno.readDirSync(cache)], [], "nothing was built or created");
  } finally {
    await Deno.remove(cache, { recursive: true });
  }
});
