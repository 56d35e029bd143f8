/**
 * The pod runner on the real control plane (`--pod-runner`: kwok leaves pod readiness to the
 * runner): a Deployment's pods on fake GPU nodes run as `wva emulator` processes with the args of
 * their container spec; they become Ready only after the emulator's loading delay; the annotated
 * endpoints serve the OpenAI API (official `openai` client) and `/metrics`; a real Prometheus
 * scrapes them with `namespace`/`pod` labels; scale-down drains a process and removes its pod;
 * a pod whose emulator exits or never loads stays not Ready; `stop()` leaves no child.
 */
import assert from "node:assert/strict";
import OpenAI from "openai";
import type { V1Pod } from "@kubernetes/client-node";
import { applyGpuNodes } from "../../scripts/gpu_nodes.ts";
import { EMULATOR_FLAGS } from "../../src/modes/emulator/flags.ts";
import {
  ENDPOINT_ANNOTATION,
  type PodRunnerHandle,
  startPodRunner,
} from "../../src/adapters/kubernetes/pod_runner/mod.ts";
import { createLogger } from "../../src/runtime/log.ts";
import { type PrometheusHandle, startPrometheus } from "../helpers/prometheus.ts";
import { clusterTest, startTestCluster, waitFor } from "../helpers/testcluster.ts";

const NS = "llm";
const MODEL = "m-emu";
const LOADING_MS = 3000;
const LOG = Deno.env.get("WVA_TEST_LOG") === "1";
const long = { timeoutMs: 60_000, intervalMs: 250 };

function deployment(name: string, replicas: number, args: readonly string[]) {
  const labels = { app: name, "llm-d.ai/variant": name };
  return {
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels },
        spec: {
          terminationGracePeriodSeconds: 20,
          containers: [{
            name: "vllm",
            image: "wva:dev",
            args: ["emulator", "--host=0.0.0.0", "--port=8000", ...args],
            readinessProbe: { httpGet: { path: "/health/ready", port: 8000 }, periodSeconds: 1 },
            resources: { requests: { "nvidia.com/gpu": "1" }, limits: { "nvidia.com/gpu": "1" } },
          }],
        },
      },
    },
  };
}

const ready = (p: V1Pod) =>
  p.status?.conditions?.find((c) => c.type === "Ready")?.status === "True";

function alive(pid: number): boolean {
  try {
    Deno.statSync(`/proc/${pid}`);
    return true;
  } catch {
    return false;
  }
}

/** Processes whose parent is this test process and whose command line says `emulator`. */
function emulatorChildren(): number[] {
  const out: number[] = [];
  for (const e of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(e.name)) continue;
    try {
      const stat = Deno.readTextFileSync(`/proc/${e.name}/stat`);
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      const cmd = Deno.readTextFileSync(`/proc/${e.name}/cmdline`);
      if (ppid === Deno.pid && cmd.includes("emulator")) out.push(Number(e.name));
    } catch { /* gone meanwhile */ }
  }
  return out;
}

Deno.test({
  ...clusterTest("pod runner: pods on fake GPU nodes run as emulator processes"),
  sanitizeResources: false,
  sanitizeOps: false,
}, async (t) => {
  const cluster = await startTestCluster({ podRunner: true, nodes: 2 });
  const { kube } = cluster;
  const logDir = await Deno.makeTempDir({ prefix: "wva-pod-logs-" });
  const pods = async (app: string) =>
    (await kube.core.listNamespacedPod({ namespace: NS, labelSelector: `app=${app}` })).items;
  let prom: PrometheusHandle | undefined;
  let runner: PodRunnerHandle | undefined;
  try {
    await applyGpuNodes(kube, { mode: "nvidia", gpusPerNode: 4 });
    await kube.core.createNamespace({ body: { metadata: { name: NS } } });
    await waitFor(
      "default ServiceAccount",
      async () =>
        (await kube.core.readNamespacedServiceAccount({ namespace: NS, name: "default" })) ??
          undefined,
    );
    prom = await startPrometheus({ fileTargets: [], scrapeIntervalSec: 1 });

    await t.step("without a runner, kwok makes the pods Running but not Ready", async () => {
      await kube.apps.createNamespacedDeployment({
        namespace: NS,
        body: deployment("emu", 2, [
          `--model=${MODEL}`,
          "--preset=H100",
          "--max-num-seqs=8",
          `--startup-delay=${LOADING_MS}ms`,
          "--drain-timeout=2s",
          "--tensor-parallel-size=1", // vLLM's, unknown to the emulator: logged and ignored
        ]),
      });
      await waitFor("2 Running pods", async () => {
        const p = await pods("emu");
        return p.length === 2 && p.every((x) => x.status?.phase === "Running") ? p : undefined;
      }, long);
      await new Promise((r) => setTimeout(r, 1500));
      const p = await pods("emu");
      assert.deepEqual(p.map(ready), [false, false]);
      assert.deepEqual(p.map((x) => x.status?.containerStatuses?.[0]?.started), [true, true]);
    });

    let pids: number[] = [];
    await t.step("the runner starts one emulator per pod; Ready only after loading", async () => {
      runner = startPodRunner(kube, {
        emulatorFlags: EMULATOR_FLAGS,
        namespace: NS,
        logDir,
        targetsFile: prom!.targetsFile,
        logger: createLogger({ level: LOG ? "debug" : "error", base: { test: "pod-runner" } }),
      });
      const eps = await waitFor("2 emulator processes", () => {
        const e = runner!.endpoints().filter((x) => x.pid !== undefined);
        return Promise.resolve(e.length === 2 ? e : undefined);
      }, long);
      pids = eps.map((e) => e.pid!);
      for (const pid of pids) {
        assert.match(Deno.readTextFileSync(`/proc/${pid}/cmdline`), /emulator/);
      }
      const annotated = await waitFor("endpoint annotations", async () => {
        const p = await pods("emu");
        return p.every((x) => x.metadata?.annotations?.[ENDPOINT_ANNOTATION]) ? p : undefined;
      }, long);
      assert.deepEqual(
        annotated.map((p) => p.metadata!.annotations![ENDPOINT_ANNOTATION]).sort(),
        eps.map((e) => e.endpoint).sort(),
      );
      await waitFor("both pods Ready", async () => {
        const p = await pods("emu");
        return p.length === 2 && p.every(ready) ? true : undefined;
      }, long);
      for (const e of runner!.endpoints()) {
        const loadedMs = e.readyAtMs! - e.startedAtMs!;
        assert.ok(loadedMs >= LOADING_MS, `${e.pod} Ready ${loadedMs} ms after its start`);
      }
      const d = await kube.apps.readNamespacedDeployment({ namespace: NS, name: "emu" });
      await waitFor(
        "Deployment readyReplicas 2",
        async () =>
          (await kube.apps.readNamespacedDeployment({ namespace: NS, name: "emu" })).status
              ?.readyReplicas === 2
            ? true
            : undefined,
        long,
      );
      assert.equal(d.spec?.replicas, 2);
    });

    await t.step("the annotated endpoints serve /v1/completions and /metrics", async () => {
      const p = (await pods("emu"))[0]!;
      const endpoint = p.metadata!.annotations![ENDPOINT_ANNOTATION]!;
      const client = new OpenAI({ baseURL: `http://${endpoint}/v1`, apiKey: "x", maxRetries: 0 });
      const res = await client.completions.create({ model: MODEL, prompt: "hello", max_tokens: 4 });
      assert.equal(res.model, MODEL);
      assert.equal(res.usage?.completion_tokens, 4);
      const metrics = await (await fetch(`http://${endpoint}/metrics`)).text();
      assert.match(metrics, new RegExp(`vllm:num_requests_running\\{[^}]*model_name="${MODEL}"`));
    });

    await t.step(
      "Prometheus scrapes both pods with namespace, pod and variant labels",
      async () => {
        const names = (await pods("emu")).map((p) => p.metadata!.name!).sort();
        const up = await waitFor("up == 1 for both pods", async () => {
          const r = await prom!.query(`up{namespace="${NS}"} == 1`);
          return r.length === 2 ? r : undefined;
        }, long);
        assert.deepEqual(up.map((s) => s.metric.pod).sort(), names);
        const kv = await waitFor("vllm:kv_cache_usage_perc per pod", async () => {
          const r = await prom!.query(`vllm:kv_cache_usage_perc{namespace="${NS}"}`);
          return r.length === 2 ? r : undefined;
        }, long);
        assert.deepEqual(kv.map((s) => s.metric.llm_d_ai_variant), ["emu", "emu"]);
      },
    );

    await t.step("scaling to 1 drains one process and the runner removes its pod", async () => {
      const t0 = Date.now();
      await kube.setReplicas({
        apiVersion: "apps/v1",
        kind: "Deployment",
        namespace: NS,
        name: "emu",
      }, 1);
      await waitFor(
        "one process left",
        () => Promise.resolve(pids.filter(alive).length === 1 ? true : undefined),
        long,
      );
      await waitFor(
        "one pod left",
        async () => (await pods("emu")).length === 1 ? true : undefined,
        long,
      );
      // The grace period is 20 s: the runner deleted the pod once its emulator had drained.
      assert.ok(Date.now() - t0 < 15_000, `pod gone after ${Date.now() - t0} ms`);
      assert.equal(runner!.endpoints().length, 1);
      await waitFor(
        "Prometheus: one target",
        async () => (await prom!.query(`up{namespace="${NS}"}`)).length === 1 ? true : undefined,
        long,
      );
    });

    await t.step("a pod whose emulator exits, or never loads, stays not Ready", async () => {
      await kube.apps.createNamespacedDeployment({
        namespace: NS,
        body: deployment("broken", 1, ["--max-num-seqs=zero"]),
      });
      await kube.apps.createNamespacedDeployment({
        namespace: NS,
        body: deployment("slow", 1, ["--startup-delay=10m"]),
      });
      const broken = await waitFor("broken restarted", async () => {
        const p = (await pods("broken"))[0];
        return (p?.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1 ? p : undefined;
      }, long);
      assert.equal(ready(broken), false);
      const slow = await waitFor("slow's emulator runs", () => {
        const e = runner!.endpoints().find((x) => x.labels.app === "slow" && x.pid);
        return Promise.resolve(e);
      }, long);
      // A target while it loads, as Kind's Prometheus scrapes a pod that is not Ready; like
      // real vLLM the emulator serves no /metrics until the model is loaded, so `up` is 0.
      await waitFor(
        "Prometheus scrapes the loading pod and gets no metrics",
        async () =>
          (await prom!.query(`up{pod="${slow.pod}"} == 0`)).length === 1 ? true : undefined,
        long,
      );
      await new Promise((r) => setTimeout(r, 3000));
      assert.ok(alive(slow.pid!));
      for (const app of ["broken", "slow"]) {
        assert.deepEqual((await pods(app)).map(ready), [false], app);
        const d = await kube.apps.readNamespacedDeployment({ namespace: NS, name: app });
        assert.equal(d.status?.readyReplicas ?? 0, 0, app);
      }
      const notReady = runner!.endpoints().filter((e) => !e.ready).map((e) => e.labels.app);
      assert.deepEqual(notReady.sort(), ["broken", "slow"]);
    });

    await t.step("stop() stops every child and reports the pods not Ready", async () => {
      const live = runner!.endpoints().flatMap((e) => (e.pid ? [e.pid] : []));
      assert.ok(live.length >= 2);
      await runner!.stop();
      runner = undefined;
      assert.deepEqual(live.filter(alive), []);
      assert.deepEqual(emulatorChildren(), []);
      assert.deepEqual((await pods("emu")).map(ready), [false]);
    });
  } finally {
    await runner?.stop();
    await prom?.stop();
    await cluster.stop();
    await Deno.remove(logDir, { recursive: true }).catch(() => {});
  }
});
