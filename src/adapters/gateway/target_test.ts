import assert from "node:assert/strict";
import { targetModel } from "./target.ts";

Deno.test("targetModel() reads the body's model and checks it is served", async (t) => {
  const enc = (v: unknown) =>
    new TextEncoder().encode(typeof v === "string" ? v : JSON.stringify(v));
  const cases: ReadonlyArray<[string, unknown, string[], unknown]> = [
    ["served", { model: "b" }, ["a", "b"], { model: "b" }],
    ["unknown: 404 naming it", { model: "z" }, ["a"], {
      status: 404,
      message: "The model 'z' does not exist.",
      param: "model",
    }],
    ["missing, one model: that one", { prompt: "x" }, ["a"], { model: "a" }],
    ["null, one model: that one", { model: null }, ["a"], { model: "a" }],
    ["missing, two models: 400", {}, ["a", "b"], {
      status: 400,
      message: "'model' is required: this gateway serves 'a', 'b'",
      param: "model",
    }],
    ["not a string", { model: 3 }, ["a"], {
      status: 400,
      message: "'model' must be a string",
      param: "model",
    }],
    ["an array body", [1], ["a"], {
      status: 400,
      message: "the body must be a JSON object",
      param: null,
    }],
  ];
  for (const [name, body, served, want] of cases) {
    await t.step(name, () => assert.deepEqual(targetModel(enc(body), served), want));
  }
  await t.step("not JSON: 400", () => {
    const got = targetModel(enc("{nope"), ["a"]);
    assert.ok("status" in got && got.status === 400 && /not JSON/.test(got.message));
  });
});
