/**
 * `kind/up.sh` and `kind/down.sh` without Docker, Kind or a cluster: usage, argument validation
 * (exit 2, before anything runs), missing prerequisites (exit 1, nothing created), the
 * idempotent `down.sh`, and shellcheck over every shell script. `kind`, `docker`, `kubectl` and
 * `deno` are recording shims (tests/kind/shims.ts), so the tests see every command the scripts
 * run.
 */
import assert from "node:assert/strict";
import { GPU_MODES } from "../../src/core/api/gpu_vendors.ts";
import { toolGate } from "../helpers/tools.ts";
import { makeShims, ROOT, runScript } from "./shims.ts";

const SYSTEM_PATH = ["/usr/bin", "/bin"];
const ALL_TOOLS = ["kind", "docker", "kubectl", "deno"] as const;

Deno.test("kind/up.sh -h prints the usage with every flag and the vendor modes, exit 0", async () => {
  const shims = await makeShims({ tools: ALL_TOOLS });
  try {
    const r = await runScript("up.sh", ["-h"], shims.env(SYSTEM_PATH));
    assert.equal(r.code, 0, r.stderr);
    for (const flag of ["-c, --name", "-n, --nodes", "-g, --gpus", "-t, --type", "-d, --product"]) {
      assert.ok(r.stdout.includes(flag), `usage lacks ${flag}`);
    }
    assert.match(r.stdout, /-m, --memory-mb MB/);
    assert.match(r.stdout, /--no-deploy/);
    const modes = r.stdout.match(/-t, --type MODE\s+(.*) \(default: mix\)/)?.[1]?.split(" | ");
    assert.deepEqual(modes, [...GPU_MODES], "up.sh's modes must be the vendor table's");
    assert.deepEqual(await shims.calls(), []);
  } finally {
    await shims.remove();
  }
});

Deno.test("kind/up.sh rejects bad arguments with exit 2 before running anything", async (t) => {
  const cases: Array<[string, string[], RegExp]> = [
    ["unknown mode", ["-t", "tpu"], /-t 'tpu': unknown mode; use one of: nvidia amd .* amd-mix/],
    ["zero nodes", ["-n", "0"], /-n '0': node count must be an integer from 1 to 64/],
    ["non-numeric nodes", ["-n", "three"], /-n 'three': node count must be an integer/],
    ["too many nodes", ["-n", "65"], /-n '65'/],
    ["negative GPUs", ["-g", "-1"], /-g '-1': GPUs per node must be an integer from 0 to 1024/],
    ["too many GPUs", ["-g", "2000"], /-g '2000'/],
    ["bad cluster name", ["-c", "My_Cluster"], /-c 'My_Cluster': cluster name must be/],
    ["product in a mix mode", ["-t", "mix", "-d", "NVIDIA-H100"], /only apply to single-vendor/],
    ["memory in a mix mode", ["-m", "1024"], /-d\/-m only apply to single-vendor modes, not 'mix'/],
    ["bad memory", ["-t", "amd", "-m", "lots"], /-m 'lots': memory must be a positive integer/],
    ["bad product", ["-t", "nvidia", "-d", "A100 80GB"], /-d 'A100 80GB': product must be/],
    ["unknown flag", ["--gpu", "2"], /unknown argument '--gpu'/],
    ["missing value", ["-n"], /-n needs a value/],
  ];
  const shims = await makeShims({ tools: ALL_TOOLS });
  try {
    for (const [name, args, message] of cases) {
      await t.step(name, async () => {
        const r = await runScript("up.sh", args, shims.env(SYSTEM_PATH));
        assert.equal(r.code, 2, r.stderr);
        assert.match(r.stderr, message);
        assert.match(r.stderr, /Run 'kind\/up\.sh -h'/);
      });
    }
    assert.deepEqual(await shims.calls(), [], "no tool may run on bad arguments");
  } finally {
    await shims.remove();
  }
});

Deno.test("kind/up.sh accepts valid single-vendor flags and then checks prerequisites", async () => {
  const empty = await Deno.makeTempDir({ prefix: "wva-empty-path-" });
  try {
    const args = ["-t", "nvidia", "-d", "NVIDIA-L40S", "-m", "49152", "-n", "1", "-g", "0"];
    const r = await runScript("up.sh", args, { PATH: empty });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /missing prerequisites: kind kubectl docker/);
    assert.match(r.stderr, /nothing was created/);
  } finally {
    await Deno.remove(empty);
  }
});

Deno.test("kind/up.sh stops at an unreachable Docker engine without creating anything", async () => {
  const shims = await makeShims({ tools: ALL_TOOLS, dockerDown: true });
  const state = await Deno.makeTempDir({ prefix: "wva-kind-state-" });
  try {
    const r = await runScript(
      "up.sh",
      [],
      { ...shims.env(SYSTEM_PATH), WVA_KIND_DIR: `${state}/s` },
    );
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /docker is installed but its engine is not reachable/);
    assert.deepEqual(await shims.calls(), ["docker info"]);
    assert.deepEqual([...Deno.readDirSync(state)], [], "no state directory may be written");
  } finally {
    await shims.remove();
    await Deno.remove(state, { recursive: true });
  }
});

Deno.test("kind/down.sh deletes an existing cluster and is idempotent", async (t) => {
  const shims = await makeShims({ tools: ["kind"], clusters: ["other", "wva-gpu"] });
  const state = await Deno.makeTempDir({ prefix: "wva-kind-state-" });
  const env = { ...shims.env(SYSTEM_PATH), WVA_KIND_DIR: state };
  try {
    await Deno.writeTextFile(`${state}/kubeconfig`, "x");
    await Deno.writeTextFile(`${state}/kind-config.yaml`, "x");
    await t.step("an existing cluster is deleted with its state directory", async () => {
      const r = await runScript("down.sh", [], env);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(await shims.calls(), [
        "kind get clusters",
        "kind delete cluster --name wva-gpu",
      ]);
      await assert.rejects(Deno.stat(state), Deno.errors.NotFound);
    });
    await t.step("a second run has nothing to delete and still exits 0", async () => {
      const r = await runScript("down.sh", ["-c", "wva-gpu"], env);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /'wva-gpu' does not exist: nothing to delete/);
      assert.equal((await shims.calls()).filter((c) => c.includes("delete")).length, 1);
    });
    await t.step("bad arguments exit 2; -h exits 0", async () => {
      assert.equal((await runScript("down.sh", ["-c", "UPPER"], env)).code, 2);
      assert.equal((await runScript("down.sh", ["--force"], env)).code, 2);
      const help = await runScript("down.sh", ["-h"], env);
      assert.equal(help.code, 0);
      assert.match(help.stdout, /Usage: kind\/down\.sh \[-c NAME\]/);
    });
  } finally {
    await shims.remove();
    await Deno.remove(state, { recursive: true }).catch(() => {});
  }
});

Deno.test("kind/down.sh without kind installed exits 1 with a message", async () => {
  const shims = await makeShims({ tools: [] });
  try {
    const r = await runScript("down.sh", [], shims.env([]));
    assert.equal(r.code, 1);
    assert.match(r.stderr, /kind is not installed/);
  } finally {
    await shims.remove();
  }
});

const shellcheckGate = toolGate(
  "kind/*.sh, scripts/*.sh and .ci/run are shellcheck-clean",
  ["shellcheck"],
  "Debian package shellcheck; ./scripts/test.sh installs it",
);

Deno.test({ name: shellcheckGate.name, ignore: shellcheckGate.ignore }, async () => {
  shellcheckGate.check();
  const scripts = [".ci/run", ...await shellScripts("kind"), ...await shellScripts("scripts")];
  const out = await new Deno.Command("shellcheck", { args: ["-x", ...scripts], cwd: ROOT })
    .output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stdout));
});

async function shellScripts(dir: string): Promise<string[]> {
  const names: string[] = [];
  for await (const e of Deno.readDir(`${ROOT}${dir}`)) {
    if (e.isFile && e.name.endsWith(".sh")) names.push(`${dir}/${e.name}`);
  }
  return names.sort();
}
