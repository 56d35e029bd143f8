import assert from "node:assert/strict";
import { EMULATOR_FLAGS } from "../../../modes/emulator/flags.ts";
import { containerEnv, emulatorArgs, readinessOf } from "./container.ts";

const SAMPLE_ARGS = [
  "emulator",
  "--host=0.0.0.0",
  "--port=8000",
  "--model=default/default",
  "--preset=A100",
  "--max-num-seqs=16",
  "--kv-cache-blocks=160",
  "--max-model-len=1024",
  "--startup-delay=10s",
];

Deno.test("emulatorArgs() translates container args into emulator flags", async (t) => {
  const cases: Array<{
    name: string;
    command?: string[];
    args: string[];
    argv: string[];
    ignored?: string[];
  }> = [
    {
      name: "the samples' `wva emulator` args: host and port become the runner's",
      args: SAMPLE_ARGS,
      argv: [
        "--preset=A100",
        "--max-num-seqs=16",
        "--kv-cache-blocks=160",
        "--max-model-len=1024",
        "--startup-delay=10s",
        "--model=default/default",
        "--host=127.0.0.1",
        "--port=40123",
      ],
    },
    {
      name:
        "vllm serve MODEL with known (a switch the emulator models too), renamed and unknown flags",
      command: ["vllm", "serve"],
      args: [
        "meta/llama-8b",
        "--max-num-seqs",
        "32",
        "--tensor-parallel-size",
        "2",
        "--gpu-memory-utilization=0.9",
        "--enable-prefix-caching",
        "--num-gpu-blocks-override",
        "500",
        "--port",
        "8000",
      ],
      argv: [
        "--max-num-seqs=32",
        "--enable-prefix-caching",
        "--kv-cache-blocks=500",
        "--model=meta/llama-8b",
        "--host=127.0.0.1",
        "--port=40123",
      ],
      ignored: [
        "--tensor-parallel-size 2",
        "--gpu-memory-utilization=0.9",
      ],
    },
    {
      name: "--served-model-name wins over --model and the positional model",
      command: ["python3", "-m", "vllm.entrypoints.openai.api_server"],
      args: ["--model", "/models/llama", "--served-model-name", "llama"],
      argv: ["--model=llama", "--host=127.0.0.1", "--port=40123"],
    },
    {
      name:
        "switches, a bad value kept for the emulator to reject, --config and short flags ignored",
      args: ["--no-preemption", "--max-num-seqs=zero", "--config", "/etc/emu.yaml", "-q", "extra"],
      argv: ["--no-preemption", "--max-num-seqs=zero", "--host=127.0.0.1", "--port=40123"],
      ignored: ["--config /etc/emu.yaml", "-q", "extra"],
    },
    {
      name: "no args at all",
      args: [],
      argv: ["--host=127.0.0.1", "--port=40123"],
    },
  ];
  for (const c of cases) {
    await t.step(c.name, () => {
      const r = emulatorArgs(
        { name: "vllm", ...(c.command ? { command: c.command } : {}), args: c.args },
        EMULATOR_FLAGS,
        40123,
      );
      assert.deepEqual(r.argv, c.argv);
      assert.deepEqual(r.ignored, c.ignored ?? []);
    });
  }
});

Deno.test("containerEnv() keeps literal values and answerable field references", () => {
  const r = containerEnv({
    name: "vllm",
    env: [
      { name: "WVA_EMULATOR_SEED", value: "7" },
      { name: "POD", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
      { name: "IP", valueFrom: { fieldRef: { fieldPath: "status.podIP" } } },
      { name: "TOKEN", valueFrom: {} },
      { name: "EMPTY" },
    ],
  }, { name: "p-1", namespace: "llm", uid: "u", nodeName: "wva-node-0" });
  assert.deepEqual(r.env, { WVA_EMULATOR_SEED: "7", POD: "p-1", IP: "127.0.0.1", EMPTY: "" });
  assert.deepEqual(r.ignored, ["TOKEN"]);
});

Deno.test("readinessOf() follows the HTTP probe with Kubernetes' defaults, else /health/ready", async (t) => {
  await t.step("no probe: /health/ready at the default period", () => {
    assert.deepEqual(readinessOf({ name: "c" }, 500), {
      path: "/health/ready",
      initialDelayMs: 0,
      periodMs: 500,
      timeoutMs: 1000,
      failureThreshold: 3,
    });
  });
  await t.step("the samples' probe", () => {
    const probe = { httpGet: { path: "/health/ready" }, periodSeconds: 2, timeoutSeconds: 2 };
    assert.deepEqual(readinessOf({ name: "c", readinessProbe: probe }, 500), {
      path: "/health/ready",
      initialDelayMs: 0,
      periodMs: 2000,
      timeoutMs: 2000,
      failureThreshold: 3,
    });
  });
  await t.step("a probe with only a path and an initial delay", () => {
    const probe = { httpGet: { path: "/health" }, initialDelaySeconds: 5 };
    const r = readinessOf({ name: "c", readinessProbe: probe }, 500);
    assert.equal(r.path, "/health");
    assert.equal(r.initialDelayMs, 5000);
    assert.equal(r.periodMs, 10_000);
  });
});
