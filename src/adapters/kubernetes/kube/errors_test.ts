import assert from "node:assert/strict";
import {
  isConflict,
  isForbidden,
  isGone,
  isNotFound,
  KubeApiError,
  statusCodeOf,
} from "./errors.ts";

Deno.test("KubeApiError.fromResponse() keeps the code, the Status reason and message", () => {
  const body = JSON.stringify({
    kind: "Status",
    code: 409,
    reason: "Conflict",
    message: "the object has been modified",
  });
  const e = KubeApiError.fromResponse(409, body, "PUT /x");
  assert.equal(e.code, 409);
  assert.equal(e.reason, "Conflict");
  assert.equal(e.message, "PUT /x: 409 Conflict: the object has been modified");
  const plain = KubeApiError.fromResponse(502, "bad gateway", "GET /y");
  assert.deepEqual([plain.reason, plain.message], ["", "GET /y: 502: bad gateway"]);
});

Deno.test("statusCodeOf() and the predicates accept transport and client-node errors", async (t) => {
  const cases: Array<[string, unknown, number | undefined, string | undefined]> = [
    ["transport 404", new KubeApiError(404, "NotFound", "x"), 404, "isNotFound"],
    [
      "client-node ApiException 409",
      Object.assign(new Error("HTTP-Code: 409"), { code: 409 }),
      409,
      "isConflict",
    ],
    ["410", new KubeApiError(410, "Expired", "x"), 410, "isGone"],
    ["403", { code: 403 }, 403, "isForbidden"],
    ["network error", new TypeError("connection refused"), undefined, undefined],
    ["string code", { code: "ECONNRESET" }, undefined, undefined],
  ];
  const predicates = { isNotFound, isConflict, isGone, isForbidden };
  for (const [name, err, code, which] of cases) {
    await t.step(name, () => {
      assert.equal(statusCodeOf(err), code);
      for (const [pname, p] of Object.entries(predicates)) {
        assert.equal(p(err), pname === which, pname);
      }
    });
  }
});
