import assert from "node:assert/strict";
import { z } from "zod";
import { dropDuplicateModels, parseEntries, parseEntryText, pickModelEntry } from "./entries.ts";

const Schema = z.strictObject({ n: z.number().min(0) });
const parseEntry = (_key: string, text: string) => parseEntryText(text, Schema);

Deno.test("parseEntries() keeps the last good value of an invalid entry", async (t) => {
  const first = parseEntries({ a: "n: 1", b: "n: 2" }, undefined, { parseEntry });
  await t.step("all valid", () => {
    assert.deepEqual(first.entries, { a: { n: 1 }, b: { n: 2 } });
    assert.deepEqual(first.problems, []);
  });
  await t.step("an invalid entry falls back to last good, the others apply", () => {
    const r = parseEntries({ a: "n: -1", b: "n: 3", c: "n: x" }, first.entries, { parseEntry });
    assert.deepEqual(r.entries, { a: { n: 1 }, b: { n: 3 } });
    assert.deepEqual(r.problems, [
      { key: "a", field: "n", value: -1, message: r.problems[0]!.message, fallback: "last-good" },
      { key: "c", field: "n", value: "x", message: r.problems[1]!.message, fallback: "ignored" },
    ]);
  });
  await t.step("a deleted key is gone, not kept", () => {
    assert.deepEqual(parseEntries({ b: "n: 3" }, first.entries, { parseEntry }).entries, {
      b: { n: 3 },
    });
    assert.deepEqual(parseEntries(undefined, first.entries, { parseEntry }).entries, {});
  });
  await t.step("skipped keys are not parsed", () => {
    assert.deepEqual(
      parseEntries({ default: "junk: [", a: "n: 0" }, undefined, { parseEntry, skip: ["default"] })
        .problems,
      [],
    );
  });
});

Deno.test("parseEntryText() reports YAML errors and unknown keys with the field", async (t) => {
  await t.step("broken YAML", () => {
    const r = parseEntryText("n: [1,", Schema);
    assert.equal(r.ok, false);
    if (!r.ok) {
      assert.equal(r.issues[0]!.field, "(root)");
      assert.match(r.issues[0]!.message, /^not valid YAML\/JSON/);
    }
  });
  await t.step("unknown key named", () => {
    const r = parseEntryText('{"n": 1, "typo": 2}', Schema);
    assert.equal(r.ok, false);
    if (!r.ok) assert.deepEqual(r.issues, [{ field: "typo", value: 2, message: "unknown field" }]);
  });
});

Deno.test("pickModelEntry() prefers the namespaced entry; dropDuplicateModels() reports repeats", () => {
  const entries = {
    a: { modelID: "m" },
    b: { modelID: "m", namespace: "prod" },
    c: { modelID: "other" },
  };
  assert.equal(pickModelEntry(entries, { modelId: "m", namespace: "prod" }), entries.b);
  assert.equal(pickModelEntry(entries, { modelId: "m", namespace: "dev" }), entries.a);
  assert.equal(pickModelEntry(entries, { modelId: "x", namespace: "dev" }), undefined);
  const d = dropDuplicateModels({ ...entries, d: { modelID: "m", namespace: "prod" } });
  assert.deepEqual(Object.keys(d.entries), ["a", "b", "c"]);
  assert.equal(d.problems[0]!.key, "d");
  assert.match(d.problems[0]!.message, /key 'b'/);
});
