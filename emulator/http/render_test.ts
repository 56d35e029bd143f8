import { strict as assert } from "node:assert";
import type { RequestPlan } from "./plan.ts";
import { renderBody, renderPlainBody } from "./render.ts";

const WHO = { id: 'cmpl-"x"', created: 1700000000, model: "m/\\odd" };

function plan(kind: "chat" | "completion"): RequestPlan {
  return {
    kind,
    choices: [{
      index: 0,
      promptTokens: 5,
      outputTokens: 3,
      finishReason: "length",
      textStart: 7,
      logprobSeed: 1,
    }],
    usagePromptTokens: 5,
    stream: false,
    includeUsage: false,
  };
}

Deno.test("the plain-body template renders what the general path renders", async (t) => {
  for (const kind of ["chat", "completion"] as const) {
    for (const reason of ["length", "stop"] as const) {
      await t.step(`${kind}, ${reason}`, () => {
        const p = plan(kind);
        const done = { choice: p.choices[0]!, reason, tokens: 3, cached: 0 };
        const fast = renderPlainBody(p, WHO, done);
        // two choices force the general path; compare the first choice's rendering
        const general = JSON.parse(
          renderBody(p, WHO, [done, { ...done, choice: { ...done.choice, index: 1 } }], 16),
        );
        general.choices = general.choices.slice(0, 1);
        general.usage.completion_tokens = 3;
        general.usage.total_tokens = 8;
        assert.deepEqual(JSON.parse(fast), general);
        assert.equal(fast, JSON.stringify(general), "same key order");
      });
    }
  }
});
