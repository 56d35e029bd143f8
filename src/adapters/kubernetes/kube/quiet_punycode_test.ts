import assert from "node:assert/strict";
import process from "node:process";
import "./quiet_punycode.ts";

Deno.test("quiet_punycode drops only the DEP0040 warning", async () => {
  const seen: string[] = [];
  const onWarning = (w: Error & { code?: string }) => void seen.push(w.code ?? w.message);
  process.on("warning", onWarning);
  try {
    process.emitWarning("The `punycode` module is deprecated.", {
      type: "DeprecationWarning",
      code: "DEP0040",
    });
    process.emitWarning("punycode again", "DeprecationWarning", "DEP0040");
    process.emitWarning("something else (expected in this test's output)", {
      type: "TestWarning",
      code: "WVA1",
    });
    await new Promise((r) => setTimeout(r, 10));
  } finally {
    process.off("warning", onWarning);
  }
  assert.deepEqual(seen, ["WVA1"]);
});
