/**
 * A small Prometheus HTTP API client: instant queries (`POST /api/v1/query`), responses parsed
 * with zod, TLS with a CA file, a bearer token or a token file (re-read so rotated tokens work),
 * and certificate verification skipped only when explicitly asked.
 *
 * Transport: global `fetch` with `Deno.createHttpClient({caCerts})`; with
 * `insecureSkipVerify` it uses `node:https` with `rejectUnauthorized: false`, because Deno's fetch
 * has no per-client switch for that.
 *
 * @module
 */
import https from "node:https";
import { z } from "zod";

/** Options of {@linkcode createPromClient}. */
export interface PromClientOptions {
  /** Base URL, e.g. `https://prometheus.monitoring.svc:9090` (a path prefix is kept). */
  readonly url: string;
  /** PEM file of the CA that signed Prometheus' certificate. */
  readonly caFile?: string | undefined;
  /** Skip TLS verification (only when asked). @default false */
  readonly insecureSkipVerify?: boolean | undefined;
  /** Bearer token; wins over `tokenFile`. */
  readonly bearerToken?: string | undefined;
  /** File holding a bearer token (re-read every minute). */
  readonly tokenFile?: string | undefined;
  /** Per-request timeout in ms. @default 10000 */
  readonly timeoutMs?: number | undefined;
}

/** One element of an instant vector. */
export interface PromSample {
  readonly labels: Readonly<Record<string, string>>;
  /** Evaluation time (ms). */
  readonly atMs: number;
  /** The value; NaN and ±Inf are kept as such. */
  readonly value: number;
}

/** Raised for transport failures and Prometheus errors (`status: "error"`). */
export class PromQueryError extends Error {
  override name = "PromQueryError";
}

/** Port: instant PromQL queries. */
export interface PromQuery {
  /** Runs an instant query; scalars come back as one sample without labels. */
  instant(expr: string, signal?: AbortSignal): Promise<PromSample[]>;
  close(): void;
}

const VectorSchema = z.array(z.object({
  metric: z.record(z.string(), z.string()),
  value: z.tuple([z.number(), z.string()]),
}));

const ResponseSchema = z.object({
  status: z.enum(["success", "error"]),
  data: z.object({
    resultType: z.enum(["vector", "scalar", "matrix", "string"]),
    result: z.unknown(),
  }).optional(),
  errorType: z.string().optional(),
  error: z.string().optional(),
});

/** Parses a sample value as Prometheus writes it (`"1.5"`, `"NaN"`, `"+Inf"`, `"-Inf"`). */
export function parsePromValue(text: string): number {
  if (text === "+Inf" || text === "Inf") return Infinity;
  if (text === "-Inf") return -Infinity;
  return Number(text);
}

/** Parses an API response body into samples, or throws {@linkcode PromQueryError}. */
export function parseQueryResponse(status: number, body: string): PromSample[] {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new PromQueryError(`prometheus answered ${status} with non-JSON: ${body.slice(0, 200)}`);
  }
  const parsed = ResponseSchema.safeParse(json);
  if (!parsed.success) {
    throw new PromQueryError(`prometheus answered ${status} with an unexpected body`);
  }
  const r = parsed.data;
  if (r.status === "error" || !r.data) {
    throw new PromQueryError(`prometheus error ${r.errorType ?? status}: ${r.error ?? "unknown"}`);
  }
  if (r.data.resultType === "scalar") {
    const s = z.tuple([z.number(), z.string()]).parse(r.data.result);
    return [{ labels: {}, atMs: s[0] * 1000, value: parsePromValue(s[1]) }];
  }
  if (r.data.resultType !== "vector") {
    throw new PromQueryError(`expected a vector result, got ${r.data.resultType}`);
  }
  const vector = VectorSchema.safeParse(r.data.result);
  if (!vector.success) throw new PromQueryError("prometheus vector result has an unexpected shape");
  return vector.data.map((e) => ({
    labels: e.metric,
    atMs: e.value[0] * 1000,
    value: parsePromValue(e.value[1]),
  }));
}

const TOKEN_REREAD_MS = 60_000;

type Send = (
  url: URL,
  body: string,
  headers: Record<string, string>,
  signal: AbortSignal,
) => Promise<{ status: number; body: string }>;

function fetchSender(caPem: string | undefined): { send: Send; close: () => void } {
  const client = caPem ? Deno.createHttpClient({ caCerts: [caPem] }) : undefined;
  return {
    async send(url, body, headers, signal) {
      const res = await fetch(url, {
        method: "POST",
        body,
        headers,
        signal,
        ...(client ? { client } : {}),
      });
      return { status: res.status, body: await res.text() };
    },
    close: () => client?.close(),
  };
}

function insecureSender(): { send: Send; close: () => void } {
  const agent = new https.Agent({ rejectUnauthorized: false, keepAlive: true });
  return {
    send: (url, body, headers, signal) =>
      new Promise((resolve, reject) => {
        const req = https.request(url, { method: "POST", headers, agent, signal }, (res) => {
          let text = "";
          res.setEncoding("utf8");
          res.on("data", (chunk: string) => (text += chunk));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
          res.on("error", reject);
        });
        req.on("error", reject);
        req.end(body);
      }),
    close: () => agent.destroy(),
  };
}

/**
 * Creates a client. Throws `TypeError` for an invalid URL and `PromQueryError` for an unreadable
 * CA file (fail fast at start-up).
 */
export function createPromClient(options: PromClientOptions): PromQuery {
  const base = new URL(options.url);
  if (!base.pathname.endsWith("/")) base.pathname += "/";
  let caPem: string | undefined;
  if (options.caFile) {
    try {
      caPem = Deno.readTextFileSync(options.caFile);
    } catch (err) {
      throw new PromQueryError(`cannot read CA file ${options.caFile}: ${(err as Error).message}`);
    }
  }
  const insecure = base.protocol === "https:" && options.insecureSkipVerify === true;
  const sender = insecure ? insecureSender() : fetchSender(caPem);
  let token: { value: string | undefined; readAtMs: number } | undefined;
  function bearer(): string | undefined {
    if (options.bearerToken) return options.bearerToken;
    if (!options.tokenFile) return undefined;
    const now = Date.now();
    if (!token || now - token.readAtMs > TOKEN_REREAD_MS) {
      try {
        token = { value: Deno.readTextFileSync(options.tokenFile).trim(), readAtMs: now };
      } catch (err) {
        throw new PromQueryError(
          `cannot read token file ${options.tokenFile}: ${(err as Error).message}`,
        );
      }
    }
    return token.value;
  }
  const timeoutMs = options.timeoutMs ?? 10_000;
  return {
    async instant(expr, signal) {
      const url = new URL("api/v1/query", base);
      const headers: Record<string, string> = {
        "Content-Type": "application/x-www-form-urlencoded",
        Accept: "application/json",
      };
      const tok = bearer();
      if (tok) headers.Authorization = `Bearer ${tok}`;
      const timeout = AbortSignal.timeout(timeoutMs);
      const all = signal ? AbortSignal.any([signal, timeout]) : timeout;
      let res: { status: number; body: string };
      try {
        res = await sender.send(url, new URLSearchParams({ query: expr }).toString(), headers, all);
      } catch (err) {
        const why = timeout.aborted ? `timed out after ${timeoutMs} ms` : (err as Error).message;
        throw new PromQueryError(`prometheus at ${base.origin} unreachable: ${why}`);
      }
      if (res.status === 401 || res.status === 403) {
        throw new PromQueryError(`prometheus refused the query (${res.status}): check the token`);
      }
      return parseQueryResponse(res.status, res.body);
    },
    close: () => sender.close(),
  };
}
