import assert from "node:assert/strict";
import { formatClock, formatMs, formatNumber, formatPercent, formatTextTable } from "./format.ts";

Deno.test("formatNumber(), formatMs(), formatClock() and formatPercent() print short, dash when missing", () => {
  assert.deepEqual(
    [0, 0.01234, 1.234, 12.34, 123.4, 12345, NaN, null, Infinity].map(formatNumber),
    [
      "0",
      "0.0123",
      "1.23",
      "12.3",
      "123",
      "12345",
      "–",
      "–",
      "–",
    ],
  );
  assert.equal(formatMs(850), "850 ms");
  assert.equal(formatMs(12_340), "12.3 s");
  assert.equal(formatClock(65_000), "1:05");
  assert.equal(formatClock(3_725_000), "1:02:05");
  assert.equal(formatClock(Infinity), "∞");
  assert.equal(formatPercent(0.1234), "12.3%");
});

Deno.test("formatTextTable() pads columns and right-aligns numbers", () => {
  const t = formatTextTable(["name", "n"], [["a", "1"], ["long", "100"]]);
  assert.equal(t, "name    n\n----  ---\na       1\nlong  100");
});
