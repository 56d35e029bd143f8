/**
 * The engine-feature and HTTP flags through the real CLI (`wva emulator …` in its own process):
 * each reaches the configuration `/admin/config` shows, LoRA adapters become model names, and
 * `--metrics-while-loading` serves zeros before the replica is ready.
 */
import { strict as assert } from "node:assert";
import { waitForHttp } from "../helpers/ports.ts";
import { freePortRun, postJson, reap, sampleValue, spawnEmulatorCli } from "./helpers.ts";

Deno.test("wva emulator takes the engine-feature and HTTP flags", async () => {
  const port = freePortRun(1);
  const child = spawnEmulatorCli([
    "--port",
    String(port),
    "--startup-delay",
    "60s",
    "--enable-prefix-caching",
    "--lora-modules",
    "sql-lora=/adapters/sql,chat-lora",
    "--lora-modules",
    "third",
    "--max-loras",
    "2",
    "--kv-transfer-latency",
    "5ms",
    "--kv-transfer-ms-per-token",
    "0.01",
    "--metrics-while-loading",
    "--tool-call-rate",
    "0.25",
    "--response-hold",
    "250ms",
    "--body-timeout",
    "2s",
    "--max-body-bytes",
    "65536",
    "--listen-backlog",
    "1024",
  ]);
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(`${url}/health`, 20_000);
    const ready = await fetch(`${url}/health/ready`);
    assert.equal(ready.status, 503, "still loading");
    await ready.body?.cancel();
    const metrics = await fetch(`${url}/metrics`);
    assert.equal(metrics.status, 200, "--metrics-while-loading");
    const text = await metrics.text();
    assert.equal(
      sampleValue(text, `vllm:num_requests_running{model_name="default/default",engine="0"}`),
      0,
    );
    assert.match(text, /vllm:cache_config_info\{[^}]*enable_prefix_caching="True"/);
    const admin = (await (await fetch(`${url}/admin/config`)).json()).readOnly;
    assert.deepEqual(admin.loraAdapters, [
      { name: "sql-lora", path: "/adapters/sql" },
      { name: "chat-lora", path: "/adapters/chat-lora" },
      { name: "third", path: "/adapters/third" },
    ]);
    assert.equal(admin.enablePrefixCaching, true);
    assert.equal(admin.maxLoras, 2);
    assert.equal(admin.kvTransferLatencyMs, 5);
    assert.equal(admin.kvTransferMsPerToken, 0.01);
    assert.equal(admin.metricsWhileLoading, true);
    assert.equal(admin.toolCallRate01, 0.25);
    assert.equal(admin.responseHoldMs, 250);
    assert.equal(admin.bodyTimeoutMs, 2000);
    assert.equal(admin.maxBodyBytes, 65536);
    assert.equal(admin.listenBacklog, 1024);
    // the admin API reads bodies while the model loads
    const big = await postJson(`${url}/admin/config`, { alphaMs: 1, pad: "x".repeat(70_000) });
    assert.equal(big.status, 413, "--max-body-bytes");
    await big.body?.cancel();
  } finally {
    await reap(child);
  }
});

Deno.test("wva emulator names the flag of a bad feature value and exits 2", async () => {
  const child = spawnEmulatorCli(["--port", "0", "--max-loras", "0", "--lora-modules", "=/p"]);
  const status = await child.status;
  const log = new TextDecoder().decode(await new Response(child.stderr).arrayBuffer());
  assert.equal(status.code, 2);
  assert.match(log, /--max-loras: Too small: .*\(got "0"\)/);
  assert.match(log, /--lora-modules: loraModules\[0\]\.name: Too small/);
});
