import assert from "node:assert/strict";
import { LoadgenOptionsSchema } from "../../core/load/options.ts";
import { okRecord } from "../../core/load/record_fixture.ts";
import { parseStagesSpec } from "../../core/load/schedule.ts";
import { summarizeRun } from "../../core/load/summary.ts";
import { buildTimeline } from "../../core/load/timeline.ts";
import { writeOutputs } from "./write_outputs.ts";

Deno.test("writeOutputs() writes summary.json, requests.jsonl and report.html, redacting headers", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const stages = parseStagesSpec("1s@2rps");
    const options = {
      ...LoadgenOptionsSchema.parse({
        url: "http://h/v1",
        stages,
        headers: { Authorization: "Bearer secret" },
      }),
      model: "m",
    };
    const records = [
      okRecord({ index: 0 }),
      okRecord({ index: 1, sentAtMs: 500, scheduledAtMs: 500 }),
    ];
    const summary = summarizeRun(records, stages, { slo: {}, windowMs: 1000 });
    const timeline = buildTimeline(records, stages, { windowMs: 1000 });
    const files = await writeOutputs(`${dir}/out`, {
      summary,
      records,
      timeline,
      options,
      startedAt: "2025-01-01T00:00:00.000Z",
    });
    const json = JSON.parse(await Deno.readTextFile(files.summary));
    assert.equal(json.total, 2);
    assert.equal(json.startedAt, "2025-01-01T00:00:00.000Z");
    assert.equal(json.stages.length, 1);
    assert.equal(json.options.headers.Authorization, "***");
    assert.equal(json.timeline.length, 4);
    assert.equal(json.stages[0].dropped, 0);
    assert.ok(!(await Deno.readTextFile(files.summary)).includes("secret"));
    const lines = (await Deno.readTextFile(files.requests)).trim().split("\n");
    assert.deepEqual(lines.map((l) => JSON.parse(l).index), [0, 1]);
    assert.match(await Deno.readTextFile(files.report), /<svg /);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
