import { strict as assert } from "node:assert";
import { buckets125 } from "./metric_buckets.ts";

Deno.test("buckets125() builds vLLM's 1-2-5 series up to the limit", () => {
  assert.deepEqual(buckets125(4096), [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000]);
  assert.deepEqual(buckets125(1), [1]);
  assert.deepEqual(buckets125(50), [1, 2, 5, 10, 20, 50]);
});
