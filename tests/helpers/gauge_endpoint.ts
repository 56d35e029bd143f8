/**
 * A tiny Prometheus `/metrics` endpoint on loopback whose gauge values the test sets, e.g. to
 * publish `wva_desired_replicas{variant_name=…,namespace=…}` for a real Prometheus to scrape
 * without running the wva controller. Exposition by prom-client, as the controller's own.
 *
 * @module
 */
import { Gauge, Registry } from "prom-client";

/** A running endpoint. */
export interface GaugeEndpoint {
  /** `127.0.0.1:<port>`, the scrape target. */
  readonly target: string;
  /**
   * Sets one series of gauge `name` (created on first use with these label names); `undefined`
   * removes the series.
   */
  set(name: string, labels: Readonly<Record<string, string>>, value: number | undefined): void;
  /** Stops the server. */
  stop(): Promise<void>;
}

/** Serves every gauge set through `set()` at `/metrics` on a free 127.0.0.1 port. */
export function startGaugeEndpoint(): GaugeEndpoint {
  const registry = new Registry();
  const gauges = new Map<string, Gauge>();
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    async () =>
      new Response(await registry.metrics(), {
        headers: { "content-type": registry.contentType },
      }),
  );
  return {
    target: `127.0.0.1:${server.addr.port}`,
    set(name, labels, value) {
      let gauge = gauges.get(name);
      if (!gauge) {
        gauge = new Gauge({
          name,
          help: `${name} (set by the test)`,
          labelNames: Object.keys(labels),
          registers: [registry],
        });
        gauges.set(name, gauge);
      }
      if (value === undefined) gauge.remove({ ...labels });
      else gauge.set({ ...labels }, value);
    },
    stop: () => server.shutdown(),
  };
}
