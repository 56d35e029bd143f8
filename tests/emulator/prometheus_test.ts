/**
 * A real Prometheus scrapes the emulator: the request rate and the running gauge read back what
 * the test sent. Bounded: about 15 s (at most 25 s).
 */
import { strict as assert } from "node:assert";
import { startPrometheus } from "../helpers/prometheus.ts";
import { postJson, sleep, withEmulator } from "./helpers.ts";

const RATE_PER_SEC = 8;
const LONG_STREAMS = 6;

Deno.test("Prometheus reads back the request rate and the running count", async () => {
  await withEmulator({ alphaMs: 10, betaMs: 0, gammaMs: 0, deltaMs: 0 }, async (emu) => {
    const prom = await startPrometheus({
      staticTargets: [{ targets: [`127.0.0.1:${emu.port}`], labels: { pod: "emu-0" } }],
      scrapeIntervalSec: 1,
    });
    const holders = new AbortController();
    const shortOnes: Promise<unknown>[] = [];
    try {
      // Prometheus hands new targets to its scrapers only every few seconds
      const deadline = performance.now() + 15_000;
      while ((await prom.query('up{pod="emu-0"} == 1')).length === 0) {
        assert.ok(performance.now() < deadline, "Prometheus never scraped the emulator");
        await sleep(200);
      }
      for (let i = 0; i < LONG_STREAMS; i++) {
        const res = await postJson(`${emu.url}/v1/completions`, {
          prompt: "hold",
          max_tokens: 3000,
          stream: true,
        }, { signal: holders.signal });
        res.body!.pipeTo(new WritableStream()).catch(() => {});
      }
      const t0 = performance.now();
      for (let k = 0; performance.now() - t0 < 8000; k++) {
        const due = t0 + (k * 1000) / RATE_PER_SEC;
        await sleep(Math.max(0, due - performance.now()));
        shortOnes.push(
          postJson(`${emu.url}/v1/completions`, { prompt: "x", max_tokens: 1 }).then((r) =>
            r.text()
          ),
        );
      }
      const running = await prom.query('vllm:num_requests_running{pod="emu-0"}');
      const value = Number(running[0]?.value[1]);
      assert.ok(value >= LONG_STREAMS && value <= LONG_STREAMS + 1, `running ${value}`);
      const rate = await prom.query(
        'sum(rate(vllm:request_success_total{finished_reason="length"}[6s]))',
      );
      const perSec = Number(rate[0]?.value[1]);
      assert.ok(
        Math.abs(perSec - RATE_PER_SEC) / RATE_PER_SEC < 0.25,
        `rate ${perSec}/s vs ${RATE_PER_SEC}/s sent`,
      );
    } finally {
      holders.abort();
      await Promise.allSettled(shortOnes);
      await prom.stop();
    }
  });
});
