/**
 * OpenAI/vLLM-shaped error responses: `{"error": {"message", "type", "param", "code"}}` with the
 * type name derived from the status, so the official SDKs raise their typed errors.
 *
 * @module
 */

const TYPE_BY_STATUS: Readonly<Record<number, string>> = {
  400: "BadRequestError",
  401: "AuthenticationError",
  403: "PermissionDeniedError",
  404: "NotFoundError",
  413: "BadRequestError",
  422: "UnprocessableEntityError",
  429: "RateLimitError",
  500: "InternalServerError",
  503: "ServiceUnavailableError",
};

/** The error type name used for `status`. */
export function errorTypeFor(status: number): string {
  return TYPE_BY_STATUS[status] ?? (status >= 500 ? "InternalServerError" : "BadRequestError");
}

/** Builds an error response; `param` names the offending request field, if any. */
export function errorResponse(
  status: number,
  message: string,
  options: { readonly param?: string | null; readonly headers?: HeadersInit } = {},
): Response {
  const body = {
    error: { message, type: errorTypeFor(status), param: options.param ?? null, code: status },
  };
  const headers = new Headers(options.headers);
  headers.set("content-type", "application/json");
  return new Response(JSON.stringify(body), { status, headers });
}

/** A request problem found while validating; the handler turns it into an error response. */
export class HttpProblem extends Error {
  readonly status: number;
  readonly param: string | null;
  constructor(status: number, message: string, param: string | null = null) {
    super(message);
    this.name = "HttpProblem";
    this.status = status;
    this.param = param;
  }
}
