import { strict as assert } from "node:assert";
import { ConfigError } from "../../core/util/validate.ts";
import { type FlagValues, parseFlags } from "../../runtime/cli/flags.ts";
import { loadConfig } from "../../runtime/config/load.ts";
import { flagSpecs, prefixedEnv } from "../../runtime/config/table.ts";
import { EMULATOR_CONFIG, EMULATOR_ENV_PREFIX, EMULATOR_FLAGS } from "./flags.ts";

function flags(argv: string[]) {
  return parseFlags(argv, flagSpecs(EMULATOR_FLAGS)).values;
}

function envName(flag: string): string {
  return prefixedEnv(EMULATOR_ENV_PREFIX, flag);
}

function loadEmulatorConfig(values: FlagValues, env: Record<string, string>) {
  return loadConfig(EMULATOR_CONFIG, values, { env });
}

Deno.test("emulator config layers file < env < flags", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const file = `${dir}/emu.yaml`;
    await Deno.writeTextFile(
      file,
      "alphaMs: 11\nbetaMs: 0.5\nmaxNumSeqs: 8\nfailure:\n  rate01: 0.2\n  types: [stall]\n",
    );
    const env = { [envName("beta")]: "0.7", [envName("max-num-seqs")]: "16" };
    const cfg = await loadEmulatorConfig(
      flags(["--config", file, "--max-num-seqs", "32", "--failure-types", "rate_limit"]),
      env,
    );
    assert.equal(cfg.alphaMs, 11, "file");
    assert.equal(cfg.betaMs, 0.7, "env over file");
    assert.equal(cfg.maxNumSeqs, 32, "flag over env");
    assert.equal(cfg.failure.rate01, 0.2, "nested keys merge");
    assert.deepEqual(cfg.failure.types, ["rate_limit"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("emulator config maps switches and durations", async () => {
  const cfg = await loadEmulatorConfig(
    flags(["--no-preemption", "--deprecated-metrics", "--startup-delay", "1.5s", "--stall", "2s"]),
    {},
  );
  assert.equal(cfg.preemption, false);
  assert.equal(cfg.deprecatedMetrics, true);
  assert.equal(cfg.startupDelayMs, 1500);
  assert.equal(cfg.failure.stallMs, 2000);
  assert.equal(
    (await loadEmulatorConfig({}, { [envName("no-preemption")]: "true" })).preemption,
    false,
  );
});

Deno.test("emulator --engine picks the metric names and refuses other engines", async () => {
  assert.equal((await loadEmulatorConfig({}, {})).engine, "vllm");
  assert.equal((await loadEmulatorConfig(flags(["--engine", "sglang"]), {})).engine, "sglang");
  assert.equal((await loadEmulatorConfig({}, { [envName("engine")]: "sglang" })).engine, "sglang");
  const err = await loadEmulatorConfig(flags(["--engine", "tgi"]), {}).catch((e: unknown) => e);
  assert.ok(err instanceof ConfigError);
  assert.match(err.problems[0]!, /^--engine: .*"tgi"/);
});

Deno.test("emulator config names the flag or variable of every bad value", async () => {
  const err = await loadEmulatorConfig(
    flags(["--alpha", "fast", "--output-mode", "random"]),
    { [envName("port")]: "http" },
  ).catch((e: unknown) => e);
  assert.ok(err instanceof ConfigError);
  assert.deepEqual(err.problems.map((p) => p.split(":")[0]), [
    "WVA_EMULATOR_PORT",
    "--alpha",
    "--output-mode",
  ]);
  assert.match(err.problems[1]!, /got "fast"/);
});
