import { strict as assert } from "node:assert";
import { chatTokenIds, detokenize, HASH_BASE, textTokenIds, VOCAB_LIMIT } from "./tokenizer.ts";
import { countChatTokens, countTextTokens } from "./tokens.ts";

const TEXTS = [
  "",
  "a",
  "abcd",
  "abcde",
  "Hello, world! How are you?",
  "x".repeat(401),
  "😀😀😀😀😀",
  "naïve café",
  "a\u0000b",
];

Deno.test("textTokenIds() gives as many ids as countTextTokens() counts, all in range", async (t) => {
  for (const text of TEXTS) {
    await t.step(JSON.stringify(text.slice(0, 12)), () => {
      const ids = textTokenIds(text);
      assert.equal(ids.length, countTextTokens(text));
      assert.ok(ids.every((id) => Number.isInteger(id) && id >= 0 && id < VOCAB_LIMIT));
    });
  }
});

Deno.test("ASCII text decodes back exactly; other chunks decode as U+FFFD", () => {
  assert.equal(
    detokenize(textTokenIds("Hello, world! How are you?")),
    "Hello, world! How are you?",
  );
  const ids = textTokenIds("naïve café");
  assert.ok(ids.some((id) => id >= HASH_BASE));
  assert.match(detokenize(ids), /\uFFFD/);
  assert.deepEqual(textTokenIds("same text"), textTokenIds("same text"), "deterministic");
});

Deno.test("chatTokenIds() matches countChatTokens() and wraps messages in the template", () => {
  const messages = [
    { role: "system", texts: ["be brief"] },
    { role: "user", texts: ["ab", "cd"], name: "bob" },
  ];
  const ids = chatTokenIds(messages);
  assert.equal(ids.length, countChatTokens(messages));
  assert.equal(
    detokenize(ids),
    "<|im_start|>system\nbe brief<|im_end|><|im_start|>user\nbobabcd<|im_end|>" +
      "<|im_start|>assistant\n",
  );
});
