import assert from "node:assert/strict";
import { createLogger } from "./log.ts";

Deno.test("createLogger() writes one JSON object per line with constant msg and fields", () => {
  const lines: string[] = [];
  const log = createLogger({ sink: (l) => lines.push(l), nowMs: () => 0, level: "info" });
  log.debug("hidden", { a: 1 });
  log.info("replica-started", { port: 8001, err: new Error("boom") });
  log.child({ model: "m" }).warn("cycle-skipped", { reason: "no-metrics" });
  assert.equal(lines.length, 2);
  assert.deepEqual(JSON.parse(lines[0]!), {
    ts: "1970-01-01T00:00:00.000Z",
    level: "info",
    msg: "replica-started",
    port: 8001,
    err: { name: "Error", message: "boom" },
  });
  assert.deepEqual(JSON.parse(lines[1]!).model, "m");
  assert.equal(JSON.parse(lines[1]!).level, "warn");
});
