import assert from "node:assert/strict";
import { z } from "zod";
import { ConfigError, mergeLayers, parseOrThrow, parseYamlText } from "./validate.ts";

const Schema = z.object({
  port: z.number().int().positive(),
  servers: z.array(z.object({ name: z.string(), replicas: z.number().min(0) })),
});

Deno.test("parseOrThrow() reports every problem with its path and value", () => {
  const input = { port: "80", servers: [{ name: "a", replicas: -1 }, { replicas: 2 }] };
  try {
    parseOrThrow(Schema, input, "system.yaml");
    assert.fail("expected ConfigError");
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    assert.equal(err.problems.length, 3);
    assert.match(err.problems[0]!, /^system\.yaml: port: .* \(got "80"\)$/);
    assert.match(err.problems[1]!, /servers\[0\]\.replicas: .* \(got -1\)/);
    assert.match(err.problems[2]!, /servers\[1\]\.name: .* \(missing\)/);
  }
});

Deno.test("parseYamlText() accepts JSON and YAML and names the position of a syntax error", () => {
  assert.deepEqual(parseYamlText('{"a": 1}', "x.json"), { a: 1 });
  assert.deepEqual(parseYamlText("a: [1, 2]\n", "x.yaml"), { a: [1, 2] });
  assert.throws(() => parseYamlText("a: [1, 2\n", "bad.yaml"), (err: unknown) => {
    assert.ok(err instanceof ConfigError);
    assert.match(err.problems[0]!, /^bad\.yaml: not valid YAML\/JSON at line \d+, column \d+/);
    return true;
  });
});

Deno.test("mergeLayers() lets later layers win, recursing into objects, ignoring undefined", () => {
  const merged = mergeLayers(
    { a: 1, nested: { x: 1, y: 2 }, list: [1, 2] },
    { a: 2, nested: { y: 3 }, list: [9] },
    { a: undefined },
  );
  assert.deepEqual(merged, { a: 2, nested: { x: 1, y: 3 }, list: [9] });
});
