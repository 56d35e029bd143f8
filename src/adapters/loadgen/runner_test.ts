import assert from "node:assert/strict";
import { ManualClock } from "../../runtime/clock.ts";
import { LoadgenOptionsSchema } from "../../core/load/options.ts";
import { parseStagesSpec } from "../../core/load/schedule.ts";
import { type RunOptions, startLoadRun } from "./runner.ts";

function options(extra: Record<string, unknown> = {}): RunOptions {
  return {
    ...LoadgenOptionsSchema.parse({
      url: "http://fake.test/v1",
      stages: parseStagesSpec("1s@10rps"),
      arrival: "constant",
      drainMs: 500,
      ...extra,
    }),
    model: "m",
  };
}

const SSE = 'data: {"choices":[{"delta":{"content":"a"}}]}\n\n' +
  'data: {"choices":[{"delta":{"content":"b"}}]}\n\ndata: [DONE]\n\n';

/** A fetch that answers at once, or hangs until aborted when `hang` says so. */
function fakeFetch(hang: (n: number) => boolean): { fetch: typeof fetch; bodies: unknown[] } {
  const bodies: unknown[] = [];
  const f = (_url: string | URL | Request, init?: RequestInit): Promise<Response> => {
    bodies.push(JSON.parse(String(init?.body)));
    if (!hang(bodies.length)) return Promise.resolve(new Response(SSE, { status: 200 }));
    return new Promise((_, reject) => {
      init?.signal?.addEventListener(
        "abort",
        () => reject(new DOMException("aborted", "AbortError")),
      );
    });
  };
  return { fetch: f as typeof fetch, bodies };
}

async function advanceInSteps(clock: ManualClock, totalMs: number, stepMs = 10): Promise<void> {
  for (let t = 0; t < totalMs; t += stepMs) await clock.advance(stepMs);
}

Deno.test("startLoadRun() sends at absolute planned times with the planned bodies", async () => {
  const clock = new ManualClock(1000);
  const { fetch, bodies } = fakeFetch(() => false);
  const run = startLoadRun(options({ outputTokens: { kind: "fixed", tokens: 7 } }), {
    clock,
    fetch,
  });
  await advanceInSteps(clock, 1100);
  const result = await run.done;
  assert.equal(result.records.length, 10);
  assert.deepEqual(result.records.map((r) => r.sentAtMs), [
    0,
    100,
    200,
    300,
    400,
    500,
    600,
    700,
    800,
    900,
  ]);
  assert.ok(result.records.every((r) => r.lagMs === 0 && r.ok && r.outputTokens === 2));
  assert.equal((bodies[0] as { max_tokens: number }).max_tokens, 7);
  assert.equal((bodies[0] as { model: string }).model, "m");
  assert.equal(result.interrupted, false);
  assert.equal(result.windowMs, 1000);
});

Deno.test("startLoadRun() cancels requests still in flight when the drain period ends", async () => {
  const clock = new ManualClock();
  const { fetch } = fakeFetch((n) => n % 2 === 0);
  const run = startLoadRun(options(), { clock, fetch });
  await advanceInSteps(clock, 1000);
  assert.equal(run.snapshot().phase, "draining");
  assert.equal(run.snapshot().inFlight, 5);
  await advanceInSteps(clock, 600);
  const result = await run.done;
  assert.equal(result.records.filter((r) => r.errorClass === "cancelled").length, 5);
  assert.equal(result.records.filter((r) => r.ok).length, 5);
  assert.equal(run.snapshot().phase, "done");
});

Deno.test("startLoadRun() stop() ends sending at once and marks the run interrupted", async () => {
  const clock = new ManualClock();
  const { fetch } = fakeFetch((n) => n === 3);
  const run = startLoadRun(options(), { clock, fetch });
  await advanceInSteps(clock, 350);
  const snap = run.snapshot();
  assert.equal(snap.sent, 4);
  assert.equal(snap.inFlight, 1);
  assert.equal(snap.targetRatePerSec, 10);
  run.stop();
  const result = await run.done;
  assert.equal(result.interrupted, true);
  assert.equal(result.windowMs, 350);
  assert.equal(result.records.length, 4);
  assert.equal(result.records[2]!.errorClass, "cancelled");
});

Deno.test("startLoadRun() drops sends that find the concurrency cap full", async () => {
  const clock = new ManualClock();
  const { fetch } = fakeFetch(() => true);
  const run = startLoadRun(options({ maxConcurrency: 2, drainMs: 0 }), { clock, fetch });
  await advanceInSteps(clock, 1100);
  const result = await run.done;
  assert.equal(result.records.filter((r) => r.errorClass === "dropped").length, 8);
  assert.ok(
    result.records.filter((r) => r.errorClass === "dropped").every((r) => r.sentAtMs === null),
  );
});

Deno.test("startLoadRun() keeps yielding to timers and I/O when the rate outruns the machine", async () => {
  const { fetch } = fakeFetch(() => false);
  const run = startLoadRun(
    options({ stages: parseStagesSpec("200ms@50000rps"), drainMs: 5000 }),
    { fetch },
  );
  let sentWhenTimerRan = -1;
  await new Promise<void>((resolve) =>
    setTimeout(() => {
      sentWhenTimerRan = run.snapshot().sent;
      resolve();
    }, 5)
  );
  const result = await run.done;
  assert.equal(result.records.length, 10_000);
  assert.ok(
    sentWhenTimerRan >= 0 && sentWhenTimerRan < 10_000,
    `timer ran after ${sentWhenTimerRan} sends`,
  );
});
