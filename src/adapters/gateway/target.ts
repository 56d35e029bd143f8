/**
 * The target model of a completion request: the body's `model` field, checked against the
 * models the gateway serves. Pure.
 *
 * As vLLM: a model that is not served is a 404 naming it; a body that is not a JSON object is a
 * 400. A request without `model` goes to the only served model (vLLM defaults to its served
 * model); with several models served it is a 400 naming them.
 *
 * @module
 */

/** The model to route to, or the error to answer with. */
export type Target =
  | { readonly model: string }
  | { readonly status: 400 | 404; readonly message: string; readonly param: string | null };

/**
 * Reads the target model from a request body (`bytes`, UTF-8 JSON).
 *
 * @example
 * ```ts
 * import { targetModel } from "./target.ts";
 * const body = new TextEncoder().encode(JSON.stringify({ model: "b", prompt: "x" }));
 * const t = targetModel(body, ["a", "b"]);
 * if (!("model" in t) || t.model !== "b") throw new Error(JSON.stringify(t));
 * ```
 */
export function targetModel(bytes: Uint8Array, served: readonly string[]): Target {
  let body: unknown;
  try {
    body = JSON.parse(new TextDecoder().decode(bytes));
  } catch (err) {
    return { status: 400, message: `the body is not JSON: ${(err as Error).message}`, param: null };
  }
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    return { status: 400, message: "the body must be a JSON object", param: null };
  }
  const model = (body as { model?: unknown }).model;
  if (model === undefined || model === null) {
    if (served.length === 1) return { model: served[0]! };
    return {
      status: 400,
      message: `'model' is required: this gateway serves ${served.map(quote).join(", ")}`,
      param: "model",
    };
  }
  if (typeof model !== "string") {
    return { status: 400, message: "'model' must be a string", param: "model" };
  }
  if (!served.includes(model)) {
    return { status: 404, message: `The model ${quote(model)} does not exist.`, param: "model" };
  }
  return { model };
}

function quote(s: string): string {
  return `'${s}'`;
}
