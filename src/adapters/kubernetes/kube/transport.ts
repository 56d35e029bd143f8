/**
 * The Deno-native HTTP transport to the apiserver: global `fetch` with a
 * `Deno.createHttpClient({caCerts, cert, key})` client, so client-certificate (mTLS) auth works
 * under Deno without node:https or undici. Every request of the kube layer goes through here:
 * the typed `@kubernetes/client-node` APIs (via {@linkcode clientNodeHttpLibrary}), raw JSON
 * requests, and watch streams.
 *
 * @module
 */
import "./quiet_punycode.ts";
import {
  type HttpLibrary,
  type RequestContext,
  ResponseContext,
  wrapHttpLibrary,
} from "@kubernetes/client-node";
import { Buffer } from "node:buffer";
import type { Connection } from "./connection.ts";
import { KubeApiError } from "./errors.ts";

/** Options of one request. */
export interface RequestOptions {
  readonly method?: string;
  /** Query parameters; undefined values are left out. */
  readonly query?: Readonly<Record<string, string | number | boolean | undefined>>;
  /** A JSON body (serialized here) or a string sent as is. */
  readonly body?: unknown;
  /** Content type of the body. @default "application/json" */
  readonly contentType?: string;
  readonly signal?: AbortSignal | undefined;
}

/** A connection-bound HTTP client for one apiserver. */
export interface KubeTransport {
  readonly server: string;
  /** Sends a request to `path` (starting with `/`) and returns the raw response (any status). */
  fetch(path: string, options?: RequestOptions): Promise<Response>;
  /** Sends a request and parses the JSON answer; throws {@linkcode KubeApiError} on non-2xx. */
  json<T>(path: string, options?: RequestOptions): Promise<T>;
  /** Releases the pooled connections. */
  close(): void;
}

/** Creates the transport for a connection (see {@linkcode loadConnection}). */
export function createTransport(conn: Connection): KubeTransport {
  const tls = conn.clientCertPem && conn.clientKeyPem
    ? { cert: conn.clientCertPem, key: conn.clientKeyPem }
    : {};
  const client = Deno.createHttpClient({
    ...(conn.caPem ? { caCerts: [conn.caPem] } : {}),
    ...tls,
  });
  async function send(path: string, options: RequestOptions = {}): Promise<Response> {
    const url = new URL(conn.server + path);
    for (const [k, v] of Object.entries(options.query ?? {})) {
      if (v !== undefined) url.searchParams.set(k, String(v));
    }
    const headers = new Headers({ Accept: "application/json" });
    const auth = await conn.authorization();
    if (auth) headers.set("Authorization", auth);
    let body: string | null = null;
    if (options.body !== undefined) {
      body = typeof options.body === "string" ? options.body : JSON.stringify(options.body);
      headers.set("Content-Type", options.contentType ?? "application/json");
    }
    return await fetch(url, {
      method: options.method ?? "GET",
      headers,
      body,
      client,
      ...(options.signal ? { signal: options.signal } : {}),
    });
  }
  return {
    server: conn.server,
    fetch: send,
    async json<T>(path: string, options: RequestOptions = {}): Promise<T> {
      const res = await send(path, options);
      const text = await res.text();
      if (!res.ok) {
        throw KubeApiError.fromResponse(res.status, text, `${options.method ?? "GET"} ${path}`);
      }
      return (text ? JSON.parse(text) : undefined) as T;
    },
    close: () => client.close(),
  };
}

/**
 * An `HttpLibrary` for client-node's generated API classes that sends through the transport.
 * Used by {@linkcode loadKube}; client-node's own fetch (node-fetch + https.Agent) is bypassed.
 */
export function clientNodeHttpLibrary(transport: KubeTransport): HttpLibrary {
  return wrapHttpLibrary({
    async send(req: RequestContext): Promise<ResponseContext> {
      const url = new URL(req.getUrl());
      const query: Record<string, string> = {};
      url.searchParams.forEach((v, k) => (query[k] = v));
      const headers = req.getHeaders();
      const body = req.getBody();
      if (body !== undefined && typeof body !== "string") {
        throw new TypeError(
          `unsupported request body type for ${req.getHttpMethod()} ${url.pathname}`,
        );
      }
      const res = await transport.fetch(url.pathname, {
        method: req.getHttpMethod(),
        query,
        ...(body !== undefined
          ? { body, contentType: headers["Content-Type"] ?? "application/json" }
          : {}),
        signal: req.getSignal(),
      });
      const bytes = new Uint8Array(await res.arrayBuffer());
      const resHeaders: Record<string, string> = {};
      res.headers.forEach((v, k) => (resHeaders[k] = v));
      const text = () => Promise.resolve(new TextDecoder().decode(bytes));
      const binary = () => Promise.resolve(Buffer.from(bytes));
      return new ResponseContext(res.status, resHeaders, { text, binary });
    },
  });
}
