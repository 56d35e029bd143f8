/**
 * Failure injection: a configured share of requests fails with a random type from a list, and a
 * request can ask for a specific failure through the `x-emulator-failure` header.
 *
 * @module
 */
import type { Rng } from "../../src/core/util/rng.ts";
import { FAILURE_TYPES, type FailureType } from "../config.ts";
import { HttpProblem } from "./errors.ts";

/** Request header that forces a failure type (or `none`) for one request. */
export const FAILURE_HEADER = "x-emulator-failure";

/** Failure settings (share of requests and allowed types). */
export interface FailureSettings {
  readonly rate01: number;
  readonly types: readonly FailureType[];
}

/**
 * Decides whether this request fails, and how.
 *
 * @throws {HttpProblem} 400 when the header names an unknown failure type.
 */
export function decideFailure(
  settings: FailureSettings,
  header: string | null,
  rng: Rng,
): FailureType | null {
  if (header !== null) {
    const v = header.trim().toLowerCase();
    if (v === "none" || v === "") return null;
    if ((FAILURE_TYPES as readonly string[]).includes(v)) return v as FailureType;
    throw new HttpProblem(
      400,
      `header ${FAILURE_HEADER}: unknown failure type '${header}'; use one of ` +
        `${FAILURE_TYPES.join(", ")} or none`,
      FAILURE_HEADER,
    );
  }
  if (settings.rate01 <= 0 || settings.types.length === 0) return null;
  if (rng.next() >= settings.rate01) return null;
  return settings.types[rng.int(0, settings.types.length - 1)]!;
}

/** Status and message of an injected failure that answers immediately. */
export function injectedError(
  type: Exclude<FailureType, "stall">,
  model: string,
): { status: number; message: string } {
  switch (type) {
    case "rate_limit":
      return {
        status: 429,
        message: `Rate limit reached for model '${model}' (injected failure).`,
      };
    case "server_error":
      return {
        status: 500,
        message: "The server had an error processing the request (injected failure).",
      };
    case "overloaded":
      return {
        status: 503,
        message: "The server is overloaded, try again later (injected failure).",
      };
  }
}
