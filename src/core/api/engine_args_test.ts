import assert from "node:assert/strict";
import { engineArgsOf } from "./engine_args.ts";

Deno.test("engineArgsOf() reads vLLM's capacity flags with its defaults", async (t) => {
  const cases = [
    {
      name: "no flags: vLLM's defaults",
      containers: [{ args: ["serve", "m"] }],
      want: [8192, 256, undefined],
    },
    {
      name: "--flag value",
      containers: [{ args: ["--max-num-seqs", "8", "--max-num-batched-tokens", "4096"] }],
      want: [4096, 8, undefined],
    },
    {
      name: "--flag=value and underscores",
      containers: [{ args: ["--max_num_seqs=16", "--num-gpu-blocks-override=1000"] }],
      want: [8192, 16, 16000],
    },
    {
      name: "blocks × block size",
      containers: [{ args: ["--num-gpu-blocks-override", "500", "--block-size=32"] }],
      want: [8192, 256, 16000],
    },
    {
      name: "a shell line in command",
      containers: [{ command: ["sh", "-c", "vllm serve m --max-num-seqs 4"] }],
      want: [8192, 4, undefined],
    },
    {
      name: "the first container naming a flag (a sidecar first)",
      containers: [{ args: ["--port", "9"] }, { args: ["--max-num-seqs=2"] }],
      want: [8192, 2, undefined],
    },
    {
      name: "unreadable values keep the defaults",
      containers: [{
        args: ["--max-num-seqs", "lots", "--max-num-batched-tokens=0", "--block-size"],
      }],
      want: [8192, 256, undefined],
    },
    {
      name: "the last occurrence wins",
      containers: [{ args: ["--max-num-seqs=2", "--max-num-seqs=3"] }],
      want: [8192, 3, undefined],
    },
    { name: "no containers", containers: [], want: [8192, 256, undefined] },
  ] as const;
  for (const c of cases) {
    await t.step(c.name, () => {
      const e = engineArgsOf(c.containers);
      assert.deepEqual([e.maxNumBatchedTokens, e.maxNumSeqs, e.kvCapacityTokens], c.want);
    });
  }
  await t.step("says which flags it found", () => {
    assert.deepEqual(engineArgsOf([{ args: ["--block-size=8", "--max-num-seqs=2"] }]).found, [
      "--block-size",
      "--max-num-seqs",
    ]);
  });
});
