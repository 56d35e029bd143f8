/**
 * A vLLM `/metrics` endpoint with fixed values, for the metrics-source contract: the gauges and
 * the cache configuration of one replica in vLLM's exposition format, so the Prometheus and
 * direct-scrape sources read exactly the numbers the suite expects (a real emulator reports
 * what its load makes, which a contract cannot pin).
 *
 * @module
 */

/** What one replica reports. */
export interface VllmValues {
  readonly modelId: string;
  readonly kvUsage01: number;
  readonly queueLength: number;
  readonly runningRequests: number;
  readonly numGpuBlocks: number;
  readonly blockSize: number;
}

/** A running endpoint. */
export interface FakeVllm {
  /** Base URL (`http://127.0.0.1:port`); the metrics are at `/metrics`. */
  readonly url: string;
  /** `127.0.0.1:port`, a Prometheus target. */
  readonly target: string;
  stop(): Promise<void>;
}

/** The exposition text of one replica (two engines' worth of series would sum; one is enough). */
export function vllmText(v: VllmValues): string {
  const m = `model_name="${v.modelId}",engine="0"`;
  return [
    "# TYPE vllm:kv_cache_usage_perc gauge",
    `vllm:kv_cache_usage_perc{${m}} ${v.kvUsage01}`,
    "# TYPE vllm:num_requests_waiting gauge",
    `vllm:num_requests_waiting{${m}} ${v.queueLength}`,
    "# TYPE vllm:num_requests_running gauge",
    `vllm:num_requests_running{${m}} ${v.runningRequests}`,
    "# TYPE vllm:cache_config_info gauge",
    `vllm:cache_config_info{${m},num_gpu_blocks="${v.numGpuBlocks}",block_size="${v.blockSize}"} 1`,
    "# TYPE vllm:request_success_total counter",
    `vllm:request_success_total{${m},finished_reason="stop"} 0`,
    "",
  ].join("\n");
}

/** Serves `values` on a free loopback port. */
export function startFakeVllm(values: VllmValues): FakeVllm {
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    (req) =>
      new URL(req.url).pathname === "/metrics"
        ? new Response(vllmText(values), { headers: { "content-type": "text/plain" } })
        : new Response("not found\n", { status: 404 }),
  );
  const port = server.addr.port;
  return {
    url: `http://127.0.0.1:${port}`,
    target: `127.0.0.1:${port}`,
    stop: () => server.shutdown(),
  };
}
