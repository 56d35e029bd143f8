import { strict as assert } from "node:assert";
import { ConfigError } from "../src/core/util/validate.ts";
import { resolveEmulatorConfig } from "./config.ts";
import { PRESETS } from "./presets.ts";

Deno.test("resolveEmulatorConfig() fills latency from the preset unless given", async (t) => {
  const cases = [
    {
      name: "default preset is A100 (seed values)",
      input: {},
      alpha: 20.58,
      beta: 0.41,
      kv: 27_000,
    },
    {
      name: "H100 preset",
      input: { preset: "H100" },
      alpha: PRESETS.H100.alphaMs,
      beta: 0.22,
      kv: 30_000,
    },
    {
      name: "explicit values win",
      input: { preset: "H100", alphaMs: 5, kvCacheBlocks: 999 },
      alpha: 5,
      beta: 0.22,
      kv: 999,
    },
  ] as const;
  for (const c of cases) {
    await t.step(c.name, () => {
      const cfg = resolveEmulatorConfig(c.input);
      assert.deepEqual([cfg.alphaMs, cfg.betaMs, cfg.kvCacheBlocks], [c.alpha, c.beta, c.kv]);
    });
  }
});

Deno.test("resolveEmulatorConfig() accepts strings from env/flags and durations", () => {
  const cfg = resolveEmulatorConfig({
    port: "9000",
    startupDelayMs: "2s",
    drainTimeoutMs: "1m",
    preemption: "false",
    failure: { types: "stall, rate_limit", stallMs: "250ms" },
  });
  assert.equal(cfg.port, 9000);
  assert.equal(cfg.startupDelayMs, 2000);
  assert.equal(cfg.drainTimeoutMs, 60_000);
  assert.equal(cfg.preemption, false);
  assert.deepEqual(cfg.failure.types, ["stall", "rate_limit"]);
  assert.equal(cfg.failure.stallMs, 250);
  assert.ok(Object.isFrozen(cfg));
});

Deno.test("resolveEmulatorConfig() lists every problem with field and value", () => {
  let err: unknown;
  try {
    resolveEmulatorConfig({ port: "abc", blockSize: 7, alphaMs: -1, nope: 1, startupDelayMs: "x" });
  } catch (e) {
    err = e;
  }
  assert.ok(err instanceof ConfigError);
  const text = err.problems.join("\n");
  assert.match(text, /port: .*got "abc"/);
  assert.match(text, /blockSize: must be one of 8, 16, 32, 64, 128 \(got 7\)/);
  assert.match(text, /alphaMs: .*>=0 \(got -1\)/);
  assert.match(text, /Unrecognized key: "nope"/);
  assert.match(text, /startupDelayMs: expected a duration/);
});

Deno.test("resolveEmulatorConfig() requires max-model-len to fit in the KV cache", () => {
  assert.throws(
    () => resolveEmulatorConfig({ kvCacheBlocks: 10, blockSize: 16, maxModelLen: 161 }),
    /maxModelLen: 161 tokens must fit in the KV cache \(kvCacheBlocks × blockSize = 160 tokens\)/,
  );
  assert.equal(resolveEmulatorConfig({ kvCacheBlocks: 10, maxModelLen: 160 }).maxModelLen, 160);
});

Deno.test("loraModules accepts names, vLLM's name=path, lists and objects", async (t) => {
  const cases: { name: string; in: unknown; want: unknown }[] = [
    { name: "comma list", in: "a,b", want: [{ name: "a" }, { name: "b" }] },
    { name: "name=path", in: "sql=/adapters/sql", want: [{ name: "sql", path: "/adapters/sql" }] },
    {
      name: "repeated flag values",
      in: ["a=/p/a, b", "c"],
      want: [{ name: "a", path: "/p/a" }, { name: "b" }, { name: "c" }],
    },
    { name: "objects", in: [{ name: "x", path: "/x" }], want: [{ name: "x", path: "/x" }] },
    { name: "empty path", in: "x=", want: [{ name: "x" }] },
  ];
  for (const c of cases) {
    await t.step(c.name, () => {
      assert.deepEqual(resolveEmulatorConfig({ loraModules: c.in }).loraModules, c.want);
    });
  }
  assert.throws(() => resolveEmulatorConfig({ loraModules: "=/p" }), /loraModules/);
});
