import { strict as assert } from "node:assert";
import { instant, overTime, PromStore } from "./prom_store.ts";
import { evaluate, parseQuery } from "./query.ts";

function store() {
  const s = new PromStore(300_000, 600_000);
  const a = s.series("vllm:num_requests_waiting", { model: "m", variant: "v", pod: "p0" });
  const b = s.series("vllm:num_requests_waiting", { model: "m", variant: "v", pod: "p1" });
  const g = s.series("llm_d_epp_flow_control_queue_size", { model: "m" });
  const other = s.series("llm_d_epp_flow_control_queue_size", { model: "n" });
  const c = s.series("vllm:request_success_total", { model: "m", variant: "v", pod: "p0" });
  for (let t = 0; t <= 60_000; t += 15_000) {
    s.write(a, t, t / 15_000);
    s.write(b, t, 10);
    s.write(g, t, 4);
    s.write(other, t, 100);
    s.write(c, t, t / 1000 * 2);
  }
  return { s, a, b, c };
}

Deno.test("instant() takes the newest sample in the lookback and nothing once stale", () => {
  const { s, a } = store();
  assert.equal(instant(s, a, 44_999), 2);
  assert.equal(instant(s, a, 45_000), 3);
  assert.equal(instant(s, a, 60_000 + 300_000), 4, "still within the lookback");
  assert.equal(instant(s, a, 60_001 + 300_000), undefined, "older than the lookback");
  a.endMs = 70_000;
  assert.equal(instant(s, a, 70_000), undefined, "stale after the target went away");
  assert.equal(instant(s, a, -1), undefined);
});

Deno.test("overTime() rate, increase and max_over_time over a window", () => {
  const { s, a, c } = store();
  assert.equal(overTime("rate", c, 60_000, 60_000), 2, "2 per second");
  assert.equal(overTime("increase", c, 60_000, 30_000), 60);
  assert.equal(overTime("max_over_time", a, 60_000, 30_000), 4);
  assert.equal(overTime("avg_over_time", a, 60_000, 30_001), 3, "(2 + 3 + 4) / 3");
  assert.equal(overTime("rate", c, 60_000, 10_000), undefined, "one sample is not a rate");
  void s;
});

Deno.test("evaluate() aggregates the series in scope; labels a series lacks do not filter it", async (t) => {
  const { s } = store();
  const cases = [
    { q: "sum(vllm:num_requests_waiting)", scope: { model: "m", variant: "v" }, want: 14 },
    { q: 'max(vllm:num_requests_waiting{model_name="x"})', scope: { model: "m" }, want: 10 },
    { q: "avg by (pod) (vllm:num_requests_waiting)", scope: { model: "m" }, want: 7 },
    { q: "sum(llm_d_epp_flow_control_queue_size)", scope: { model: "m", variant: "v" }, want: 4 },
    { q: "llm_d_epp_flow_control_queue_size", scope: { model: "n" }, want: 100 },
    { q: "sum(rate(vllm:request_success_total[1m]))", scope: { model: "m" }, want: 2 },
    { q: "count(vllm:num_requests_waiting)", scope: { model: "m" }, want: 2 },
    { q: "sum(kube_deployment_status_replicas)", scope: { model: "m" }, want: undefined },
  ];
  for (const c of cases) {
    await t.step(c.q, () => assert.equal(evaluate(s, parseQuery(c.q), c.scope, 60_000), c.want));
  }
  assert.throws(() => parseQuery("sum(a) / sum(b)"), /Cannot evaluate query/);
});

Deno.test("PromStore trims samples older than its retention", () => {
  const s = new PromStore(300_000, 60_000);
  const x = s.series("x", {});
  for (let t = 0; t <= 3_600_000; t += 1000) s.write(x, t, t);
  assert.ok(x.t.length - x.head <= 62, `${x.t.length - x.head} samples kept`);
  assert.ok(x.t.length < 1000, "the array itself is compacted");
  assert.equal(instant(s, x, 3_600_000), 3_600_000);
});
