/**
 * Errors from the apiserver, with the HTTP status and the `Status` reason, so callers can branch
 * on "not found", "conflict" (optimistic concurrency), "gone" (watch too old), "forbidden" (RBAC)
 * whether the error came from the raw transport or from a client-node typed API.
 *
 * @module
 */

/** A non-2xx answer of the apiserver. */
export class KubeApiError extends Error {
  override name = "KubeApiError";
  constructor(
    /** HTTP status code, e.g. 404, 409, 410, 403. */
    readonly code: number,
    /** `Status.reason` (e.g. `NotFound`, `Conflict`, `Expired`, `Forbidden`), or `""`. */
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }

  /** Builds the error from a response body, which is usually a `Status` object. */
  static fromResponse(code: number, body: string, what: string): KubeApiError {
    let reason = "";
    let message = body.slice(0, 300);
    try {
      const status = JSON.parse(body) as { reason?: string; message?: string };
      reason = status.reason ?? "";
      message = status.message ?? message;
    } catch { /* not JSON */ }
    return new KubeApiError(
      code,
      reason,
      `${what}: ${code}${reason ? ` ${reason}` : ""}: ${message}`,
    );
  }
}

/**
 * The HTTP status carried by an error from either the transport ({@linkcode KubeApiError}) or
 * client-node's `ApiException` (which has a numeric `code`); undefined for other errors
 * (network failures, aborts).
 */
export function statusCodeOf(err: unknown): number | undefined {
  if (err instanceof KubeApiError) return err.code;
  if (err && typeof err === "object" && "code" in err && typeof err.code === "number") {
    return err.code;
  }
  return undefined;
}

/** True for 404. */
export function isNotFound(err: unknown): boolean {
  return statusCodeOf(err) === 404;
}

/** True for 409 (resourceVersion conflict or already exists). */
export function isConflict(err: unknown): boolean {
  return statusCodeOf(err) === 409;
}

/** True for 410 (resourceVersion too old: re-list). */
export function isGone(err: unknown): boolean {
  return statusCodeOf(err) === 410;
}

/** True for 403 (RBAC denied). */
export function isForbidden(err: unknown): boolean {
  return statusCodeOf(err) === 403;
}
