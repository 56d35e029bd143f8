import { strict as assert } from "node:assert";
import { countChatTokens, countTextTokens } from "./tokens.ts";

Deno.test("countTextTokens() approximates one token per 4 characters", async (t) => {
  const cases = [
    { text: "", tokens: 0 },
    { text: "a", tokens: 1 },
    { text: "abcd", tokens: 1 },
    { text: "abcde", tokens: 2 },
    { text: "x".repeat(400), tokens: 100 },
    { text: "😀😀😀😀😀", tokens: 2 },
  ];
  for (const c of cases) {
    await t.step(JSON.stringify(c.text.slice(0, 10)), () => {
      assert.equal(countTextTokens(c.text), c.tokens);
    });
  }
});

Deno.test("countChatTokens() adds 4 per message and 3 per prompt", () => {
  assert.equal(countChatTokens([]), 3);
  assert.equal(countChatTokens([{ texts: ["hello there"] }]), 3 + 4 + 3);
  assert.equal(
    countChatTokens([{ texts: ["ab", "cd"], name: "bob" }, { texts: [] }]),
    3 + 4 + 1 + 1 + 1 + 4,
  );
});
