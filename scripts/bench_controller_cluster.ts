/**
 * Part 2 of scripts/bench_controller.ts: the whole controller (watch caches, Prometheus source,
 * decisions, gauges, status writes) on a real control plane (full test tier: the Deployments'
 * pods run on kwok nodes), with a fake Prometheus HTTP API answering the controller's real
 * queries with synthetic series labelled `llm_d_ai_variant` (2 variants per model, 1 pod each).
 *
 * @module
 */
import { forEachConcurrently } from "../src/runtime/pool.ts";
import { median } from "../src/core/util/stats.ts";
import { startTestCluster, waitFor } from "../tests/helpers/testcluster.ts";
import type { Kube } from "../src/adapters/kubernetes/kube/mod.ts";

const NAMESPACES = 10;

/** Variant i: model m-⌊i/2⌋ in namespace ns-(⌊i/2⌋ mod 10); even i cheap, odd i dear. */
function placement(i: number): { name: string; model: string; namespace: string } {
  const m = Math.floor(i / 2);
  return { name: `va-${i}`, model: `m-${m}`, namespace: `ns-${m % NAMESPACES}` };
}

/** A fake Prometheus answering the controller's queries from the model ids in the selector. */
function fakePrometheus(): { url: string; queries: () => number; stop: () => Promise<void> } {
  let count = 0;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    count++;
    const q = new URLSearchParams(await req.text()).get("query") ?? "";
    const now = Date.now() / 1000;
    const models = [
      ...(/model_name=~?"([^"]+)"/.exec(q)?.[1] ?? "").replace(/^\^\(\?:|\)\$$/g, "")
        .split("|"),
    ].filter((m) => m !== "");
    const perModel = (value: (m: number) => number) =>
      models.map((m) => ({
        metric: { model_name: m },
        value: [now, String(value(Number(m.slice(2))))],
      }));
    const perPod = (value: (m: number, v: number) => number) =>
      models.flatMap((m) => {
        const k = Number(m.slice(2));
        return [2 * k, 2 * k + 1].map((i) => ({
          metric: { model_name: m, pod: `va-${i}-p0`, llm_d_ai_variant: `va-${i}` },
          value: [now, String(value(k, i))],
        }));
      });
    let result: unknown[] = [];
    if (q.includes("timestamp(")) result = perPod(() => now - 1);
    else if (q.includes("kv_cache_usage_perc")) {
      result = perPod((k, i) => ((k * 7 + i * 13) % 90) / 100);
    } else if (q.includes("num_requests_waiting")) result = perPod((k, i) => (k + i) % 6);
    else if (q.includes("num_requests_running")) result = perPod(() => 4);
    else if (q.includes("cache_config_info")) result = [];
    else if (q.includes("increase(")) result = perModel(() => 100);
    else if (q.includes("request_success_total")) result = perModel(() => 5);
    else if (q.includes("prompt_tokens")) result = perModel(() => 512);
    else if (q.includes("generation_tokens")) result = perModel(() => 128);
    else result = perModel(() => 0.05);
    return Response.json({ status: "success", data: { resultType: "vector", result } });
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    queries: () => count,
    stop: () => server.shutdown(),
  };
}

async function createObjects(kube: Kube, n: number): Promise<void> {
  for (let i = 0; i < NAMESPACES; i++) {
    await kube.core.createNamespace({ body: { metadata: { name: `ns-${i}` } } });
  }
  await waitFor("default ServiceAccounts", async () => {
    const sas = await kube.core.listServiceAccountForAllNamespaces({
      fieldSelector: "metadata.name=default",
    });
    return sas.items.filter((s) => s.metadata?.namespace?.startsWith("ns-")).length === NAMESPACES
      ? true
      : undefined;
  });
  let done = 0;
  await forEachConcurrently(Array.from({ length: n }, (_, i) => i), 16, async (i) => {
    const p = placement(i);
    await kube.transport.json(`/apis/apps/v1/namespaces/${p.namespace}/deployments`, {
      method: "POST",
      body: {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: p.name },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: p.name } },
          template: {
            metadata: { labels: { app: p.name } },
            spec: {
              containers: [{
                name: "vllm",
                image: "vllm:bench",
                resources: { requests: { cpu: "10m" } },
              }],
            },
          },
        },
      },
    });
    await kube.transport.json(
      `/apis/llmd.ai/v1alpha1/namespaces/${p.namespace}/variantautoscalings`,
      {
        method: "POST",
        body: {
          apiVersion: "llmd.ai/v1alpha1",
          kind: "VariantAutoscaling",
          metadata: { name: p.name },
          spec: {
            scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: p.name },
            modelID: p.model,
            variantCost: i % 2 === 0 ? 10 : 50,
            accelerator: "A100",
            maxReplicas: 4,
          },
        },
      },
    );
    if (++done % 200 === 0) console.log(`    created ${done}/${n} Deployments + VAs`);
  });
}

async function waitForPods(kube: Kube, n: number): Promise<void> {
  await waitFor(`${n} running pods`, async () => {
    const pods = await kube.transport.json<{ items: { status?: { phase?: string } }[] }>(
      "/api/v1/pods",
      { query: { labelSelector: "app" } },
    );
    const running = pods.items.filter((p) => p.status?.phase === "Running").length;
    return running >= n ? true : undefined;
  }, { timeoutMs: 300_000, intervalMs: 2000 });
}

/** VmRSS and VmHWM (peak) of a process, from /proc. */
async function procMemory(pid: number): Promise<{ rss: string; peak: string }> {
  const status = await Deno.readTextFile(`/proc/${pid}/status`);
  const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN);
  const mib = (k: number) => `${Math.round(k / 1024)} MiB`;
  return { rss: mib(kb("VmRSS")), peak: mib(kb("VmHWM")) };
}

/** `wva controller` as a child process; its `cycle` log lines are collected. */
function spawnController(
  kubeconfig: string,
  promUrl: string,
  cycles: { reason: string; durationMs: number; variants: number }[],
) {
  const main = new URL("../main.ts", import.meta.url).pathname;
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      main,
      "controller",
      "--kubeconfig",
      kubeconfig,
      "--prometheus-url",
      promUrl,
      "--interval",
      "2s",
      "--warmup",
      "0s",
      "--status-refresh",
      "1h",
      "--metrics-addr",
      "127.0.0.1:0",
      "--health-addr",
      "127.0.0.1:0",
    ],
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  let markSynced!: () => void;
  const synced = new Promise<void>((r) => (markSynced = r));
  const logs = (async () => {
    let buf = "";
    for await (const chunk of child.stderr.pipeThrough(new TextDecoderStream())) {
      buf += chunk;
      let nl: number;
      while ((nl = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        try {
          const j = JSON.parse(line);
          if (j.msg === "cycle" && j.variants > 0) cycles.push(j);
          if (j.msg === "caches-synced") markSynced();
        } catch { /* not JSON */ }
      }
    }
  })();
  return { child, logs, synced };
}

/** Runs part 2 for n VAs and prints the figures. */
export async function benchController(n: number, options: { steadyCycles: number }): Promise<void> {
  console.log(`  ${n} VAs: starting a cluster (${Math.ceil(n / 100) + 1} kwok nodes)…`);
  const cluster = await startTestCluster({ full: true, nodes: Math.ceil(n / 100) + 1 });
  const prom = fakePrometheus();
  const cycles: { reason: string; durationMs: number; variants: number }[] = [];
  try {
    const crd = (await import("yaml")).parse(await Deno.readTextFile("manifests/crd.yaml"));
    await cluster.kube.transport.json("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", {
      method: "POST",
      body: crd,
    });
    await new Promise((r) => setTimeout(r, 1500));
    const idle = spawnController(cluster.kubeconfigPath, prom.url, []);
    await idle.synced;
    await new Promise((r) => setTimeout(r, 3000));
    const idleMem = await procMemory(idle.child.pid);
    idle.child.kill("SIGTERM");
    await idle.child.status;
    await idle.logs;
    console.log(`    baseline: controller process with no VA, RSS ${idleMem.rss}`);
    const t0 = performance.now();
    await createObjects(cluster.kube, n);
    await waitForPods(cluster.kube, n);
    console.log(
      `    objects and ${n} pods ready in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
    const proc = spawnController(cluster.kubeconfigPath, prom.url, cycles);
    const tStart = performance.now();
    try {
      await waitFor("first cycle", () => Promise.resolve(cycles.length > 0 ? true : undefined), {
        timeoutMs: 300_000,
      });
      const firstAfterStartMs = performance.now() - tStart;
      await waitFor(
        "steady cycles",
        () => Promise.resolve(cycles.length > options.steadyCycles ? true : undefined),
        {
          timeoutMs: 300_000,
        },
      );
      const mem = await procMemory(proc.child.pid);
      const steady = cycles.slice(1).map((c) => c.durationMs);
      console.log(
        `    first cycle (every status written): ${cycles[0]!.durationMs} ms; process start → ` +
          `first decision ${Math.round(firstAfterStartMs)} ms (incl. Deno start, list + watch)`,
      );
      console.log(
        `    steady cycles (statuses unchanged): median ${median(steady)} ms, max ` +
          `${Math.max(...steady)} ms over ${steady.length}; ${prom.queries()} Prometheus queries`,
      );
      console.log(`    controller process RSS ${mem.rss}, peak ${mem.peak}`);
    } finally {
      proc.child.kill("SIGTERM");
      await proc.child.status;
      await proc.logs;
    }
  } finally {
    await prom.stop();
    await cluster.stop();
  }
}
