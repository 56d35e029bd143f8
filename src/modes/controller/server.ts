/**
 * The controller's HTTP endpoints: `/metrics` (Prometheus exposition of the controller's own
 * registry) on the metrics address, `/healthz` (the process and its loop are alive) and `/readyz`
 * (watch caches synced) on the health address. When both addresses are the same, one server
 * serves all three paths.
 *
 * @module
 */
import { parseAddr } from "./options.ts";

/** What the endpoints report. */
export interface ServerProbes {
  /** Exposition text and content type. */
  metrics(): Promise<{ readonly body: string; readonly contentType: string }>;
  live(): boolean;
  /** Ready, and a short explanation either way. */
  ready(): { readonly ok: boolean; readonly detail: string };
}

/** Running servers. */
export interface ControllerServers {
  /** Bound ports (useful with port 0). */
  readonly metricsPort: number;
  readonly healthPort: number;
  shutdown(): Promise<void>;
}

function handler(probes: ServerProbes, paths: ReadonlySet<string>) {
  return async (req: Request): Promise<Response> => {
    const path = new URL(req.url).pathname;
    if (!paths.has(path)) return new Response("not found\n", { status: 404 });
    if (req.method !== "GET" && req.method !== "HEAD") {
      return new Response("method not allowed\n", { status: 405 });
    }
    if (path === "/metrics") {
      const m = await probes.metrics();
      return new Response(m.body, { headers: { "content-type": m.contentType } });
    }
    if (path === "/healthz") {
      return probes.live() ? new Response("ok\n") : new Response("loop stopped\n", { status: 503 });
    }
    const r = probes.ready();
    return new Response(`${r.detail}\n`, { status: r.ok ? 200 : 503 });
  };
}

/** Starts the servers. */
export function startServers(
  options: { readonly metricsAddr: string; readonly healthAddr: string },
  probes: ServerProbes,
): ControllerServers {
  const serve = (addr: string, paths: string[]) => {
    const { hostname, port } = parseAddr(addr);
    return Deno.serve({ hostname, port, onListen() {} }, handler(probes, new Set(paths)));
  };
  if (options.metricsAddr === options.healthAddr) {
    const s = serve(options.metricsAddr, ["/metrics", "/healthz", "/readyz"]);
    return {
      metricsPort: s.addr.port,
      healthPort: s.addr.port,
      shutdown: () => s.shutdown(),
    };
  }
  const m = serve(options.metricsAddr, ["/metrics"]);
  const h = serve(options.healthAddr, ["/healthz", "/readyz"]);
  return {
    metricsPort: m.addr.port,
    healthPort: h.addr.port,
    shutdown: async () => {
      await Promise.all([m.shutdown(), h.shutdown()]);
    },
  };
}
