import assert from "node:assert/strict";
import { parsePromText, parseSampleValue } from "./prom_text.ts";

Deno.test("parseSampleValue() reads floats and the special values", async (t) => {
  const cases: ReadonlyArray<[string, number | undefined]> = [
    ["1", 1],
    ["-2.5", -2.5],
    ["1e3", 1000],
    ["6.02E-1", 0.602],
    [".5", 0.5],
    ["+Inf", Infinity],
    ["-Inf", -Infinity],
    ["abc", undefined],
    ["1,5", undefined],
    ["", undefined],
  ];
  for (const [text, want] of cases) {
    await t.step(`"${text}"`, () => assert.equal(parseSampleValue(text), want));
  }
  assert.ok(Number.isNaN(parseSampleValue("NaN")));
});

Deno.test("parsePromText() reads names, labels, values, timestamps and types", () => {
  const text = [
    "# HELP vllm:num_requests_waiting Number of requests waiting.",
    "# TYPE vllm:num_requests_waiting gauge",
    'vllm:num_requests_waiting{model_name="default/default",engine="0"} 3',
    "# a free comment",
    "",
    "plain_metric 42 1700000000000",
    'spaced { a = "x" , b="y" , } 1.5',
    'escaped{path="C:\\\\dir",quote="say \\"hi\\"",nl="a\\nb"} -Inf',
    "windows_line_end 7\r",
  ].join("\n");
  const r = parsePromText(text);
  assert.deepEqual(r.errors, []);
  assert.equal(r.types.get("vllm:num_requests_waiting"), "gauge");
  assert.deepEqual(r.samples[0], {
    name: "vllm:num_requests_waiting",
    labels: { model_name: "default/default", engine: "0" },
    value: 3,
  });
  assert.deepEqual(r.samples[1], {
    name: "plain_metric",
    labels: {},
    value: 42,
    timestampMs: 1700000000000,
  });
  assert.deepEqual(r.samples[2]!.labels, { a: "x", b: "y" });
  assert.deepEqual(r.samples[3]!.labels, { path: "C:\\dir", quote: 'say "hi"', nl: "a\nb" });
  assert.equal(r.samples[3]!.value, -Infinity);
  assert.equal(r.samples[4]!.value, 7);
  assert.equal(r.samples.length, 5);
});

Deno.test("parsePromText() reports bad lines and keeps reading", async (t) => {
  const cases: ReadonlyArray<[string, RegExp]> = [
    ['m{a="x} 1', /unterminated/],
    ["m{a=x} 1", /double quotes/],
    ['m{a="x" b="y"} 1', /expected ','/],
    ['m{1a="x"} 1', /bad label name/],
    ['m{a="\\q"} 1', /bad escape/],
    ["m", /missing value/],
    ["m one", /bad value/],
    ["m 1 2 3", /unexpected text/],
    ["m 1 1.5", /bad timestamp/],
    ['{a="x"} 1', /metric name/],
  ];
  for (const [line, why] of cases) {
    await t.step(line, () => {
      const r = parsePromText(`good 1\n${line}\nalso_good 2\n`);
      assert.equal(r.errors.length, 1);
      assert.equal(r.errors[0]!.line, 2);
      assert.match(r.errors[0]!.message, why);
      assert.deepEqual(r.samples.map((s) => s.name), ["good", "also_good"]);
    });
  }
});

Deno.test("parsePromText() keeps histogram series apart", () => {
  const text = [
    "# TYPE ttft histogram",
    'ttft_bucket{le="0.1"} 2',
    'ttft_bucket{le="+Inf"} 5',
    "ttft_sum 0.9",
    "ttft_count 5",
  ].join("\n");
  const r = parsePromText(text);
  assert.equal(r.types.get("ttft"), "histogram");
  assert.deepEqual(r.samples.map((s) => [s.name, s.labels.le ?? "", s.value]), [
    ["ttft_bucket", "0.1", 2],
    ["ttft_bucket", "+Inf", 5],
    ["ttft_sum", "", 0.9],
    ["ttft_count", "", 5],
  ]);
});
