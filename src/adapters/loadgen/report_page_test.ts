import assert from "node:assert/strict";
import { LoadgenOptionsSchema } from "../../core/load/options.ts";
import { okRecord } from "../../core/load/record_fixture.ts";
import { parseStagesSpec } from "../../core/load/schedule.ts";
import { summarizeRun } from "../../core/load/summary.ts";
import { buildTimeline } from "../../core/load/timeline.ts";
import { renderLoadgenReport } from "./report_page.ts";
import { formatProgress, formatSummaryTable } from "./summary_table.ts";

function fixture() {
  const stages = parseStagesSpec("2s@2rps,2s@4rps");
  const records = [0, 500, 1000, 1500, 2000, 2250, 2500, 2750, 3000, 3250, 3500, 3750].map((t, i) =>
    okRecord({
      index: i,
      stage: t < 2000 ? 0 : 1,
      scheduledAtMs: t,
      sentAtMs: t,
      doneAtMs: t + 100,
    })
  );
  records.push(okRecord({ index: 12, stage: 1, ok: false, errorClass: "timeout", ttftMs: null }));
  const options = {
    ...LoadgenOptionsSchema.parse({ url: "http://h/v1", stages, slo: { ttftMs: 500, itlMs: 50 } }),
    model: "m",
  };
  const summary = summarizeRun(records, stages, { slo: options.slo, windowMs: 4000 });
  const timeline = buildTimeline(records, stages, { windowMs: 4000 });
  return { summary, timeline, options };
}

Deno.test("renderLoadgenReport() holds the figures, the stage table and four charts", () => {
  const html = renderLoadgenReport({
    ...fixture(),
    command: "wva loadgen --stages 2s@2rps,2s@4rps",
  });
  assert.equal(html.match(/<svg /g)?.length, 4);
  assert.match(html, /Request rate: target vs achieved/);
  assert.match(html, /SLO ttft 500 ms/);
  assert.match(html, /SLO itl 50 ms/);
  assert.match(html, /timeout: 1/);
  assert.match(html, /wva loadgen --stages 2s@2rps,2s@4rps/);
  assert.doesNotMatch(html, /NaN|undefined/);
});

Deno.test("formatSummaryTable() lists each stage, the total, errors and goodput", () => {
  const text = formatSummaryTable(fixture().summary);
  const lines = text.split("\n");
  assert.match(lines[0]!, /^stage\s+window\s+target\/s\s+sent\/s/);
  assert.match(lines[2]!, /^1\s+0:00-0:02\s+2\s+2\s+4\s+4\s+0/);
  assert.match(lines[4]!, /^all\s/);
  assert.match(text, /errors: timeout 1/);
  assert.match(text, /goodput: 12 of 13 requests \(92\.3%\)/);
});

Deno.test("formatProgress() shows time, rates, in flight, errors and p50 TTFT", () => {
  const snap = {
    phase: "running",
    elapsedMs: 30_000,
    totalMs: 120_000,
    stage: 0,
    stageCount: 2,
    targetRatePerSec: 2,
    achievedRatePerSec: 1.96,
    inFlight: 3,
    sent: 60,
    succeeded: 55,
    failed: 2,
    dropped: 0,
    p50TtftMs: 142.4,
  } as const;
  const tty = formatProgress(snap, { tty: true });
  assert.equal(tty.length, 2);
  assert.match(tty[0]!, /0:30 \/ 2:00 \[#####-+\] 25\.0%\s+stage 1\/2/);
  assert.match(
    tty[1]!,
    /target 2\/s\s+achieved 1\.96\/s\s+in flight 3\s+done 57\s+errors 2\s+p50 TTFT 142 ms/,
  );
  assert.equal(formatProgress(snap, { tty: false }).length, 1);
});
