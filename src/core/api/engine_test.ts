import assert from "node:assert/strict";
import { detectEngine, type EngineContainerLike } from "./engine.ts";

Deno.test("detectEngine() reads SGLang from the image or the launch command, else vLLM", async (t) => {
  const cases: { name: string; containers: EngineContainerLike[] | undefined; want: string }[] = [
    { name: "vLLM image", containers: [{ image: "vllm/vllm-openai:v0.10.0" }], want: "vllm" },
    {
      name: "SGLang image",
      containers: [{ image: "lmsysorg/sglang:v0.5.2-cu126" }],
      want: "sglang",
    },
    {
      name: "image in upper case",
      containers: [{ image: "registry.local/SGLang:1" }],
      want: "sglang",
    },
    {
      name: "python -m sglang.launch_server in command",
      containers: [{ image: "python:3.12", command: ["python3", "-m", "sglang.launch_server"] }],
      want: "sglang",
    },
    {
      name: "launch_server inside a shell string in args",
      containers: [{
        image: "base",
        command: ["sh", "-c"],
        args: ["exec python -m sglang.launch_server --port 8000"],
      }],
      want: "sglang",
    },
    {
      name: "a sidecar runs SGLang",
      containers: [{ image: "envoyproxy/envoy" }, { image: "lmsysorg/sglang:latest" }],
      want: "sglang",
    },
    {
      name: "sglang only as a model path argument is not the engine",
      containers: [{ image: "vllm/vllm-openai", args: ["--model", "/models/sglang-tuned"] }],
      want: "vllm",
    },
    {
      name: "wva's emulator",
      containers: [{ image: "wva:dev", args: ["emulator"] }],
      want: "vllm",
    },
    { name: "no containers", containers: [], want: "vllm" },
    { name: "no template", containers: undefined, want: "vllm" },
  ];
  for (const c of cases) {
    await t.step(c.name, () => {
      const template = c.containers === undefined
        ? undefined
        : { spec: { containers: c.containers } };
      assert.equal(detectEngine(template), c.want);
    });
  }
});
