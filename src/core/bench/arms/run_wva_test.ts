import { strict as assert } from "node:assert";
import { runScenario } from "../run.ts";
import { parseScenario } from "../scenario/scenario.ts";
import type { BenchObservation, WvaRegistry } from "../wva/seam.ts";

/** Runs one wva arm (with `arm` merged in) and returns what its decision function saw. */
function observations(
  arm: Record<string, unknown>,
  cluster: Record<string, unknown> = {},
): BenchObservation[] {
  const seen: BenchObservation[] = [];
  const registry: WvaRegistry = {
    watch: () => (obs) => {
      seen.push(obs);
      return new Map();
    },
  };
  const s = parseScenario({
    cluster: { scrapeIntervalSec: 1, ...cluster },
    models: [{ name: "m", variants: [{ name: "v" }], load: { stages: "20s@2rps" } }],
    arms: [{ name: "w", type: "wva", decide: "watch", intervalSec: 4, ...arm }],
  });
  runScenario(s, { registry });
  return seen;
}

const newestSample = (o: BenchObservation) =>
  o.models[0]!.variants[0]!.replicas[0]!.sampleMs ?? NaN;

Deno.test("a wva arm's phase and metrics source", async (t) => {
  await t.step("phaseSec: the first cycle runs then, the next ones an interval apart", () => {
    const times = observations({ phaseSec: 4 }).map((o) => o.nowMs);
    assert.deepEqual(times.slice(0, 3), [4000, 8000, 12_000]);
  });
  await t.step("no phaseSec: a random phase within the first interval", () => {
    const first = observations({}).map((o) => o.nowMs)[0]!;
    assert.ok(first >= 0 && first < 4000 && first !== 0, String(first));
  });
  await t.step("prometheus: the newest sample is the last periodic scrape (before now)", () => {
    const obs = observations({ phaseSec: 4 }).slice(1);
    assert.ok(obs.some((o) => newestSample(o) < o.nowMs));
    for (const o of obs) assert.ok(o.nowMs - newestSample(o) < 1000);
  });
  await t.step("scrapeOffsetSec: every target is scraped at that offset into the interval", () => {
    const obs = observations({ phaseSec: 4 }, { scrapeOffsetSec: 0.25 }).slice(1);
    for (const o of obs) assert.equal(newestSample(o), o.nowMs - 750);
  });
  await t.step("scrape: every cycle first scrapes the pods, as the direct-scrape source", () => {
    const obs = observations({ phaseSec: 4, metricsSource: "scrape" });
    for (const o of obs) assert.equal(newestSample(o), o.nowMs);
  });
});
