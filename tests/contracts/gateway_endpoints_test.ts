/**
 * The EndpointSource contract (gateway_endpoints_contract.ts) run against the local
 * implementation, fed the way the demo feeds it: a listing function over a pool, `changed()`
 * after each pool event.
 */
import { createLocalEndpoints, type Endpoint } from "../../src/adapters/gateway/endpoints.ts";
import { type EndpointHarness, endpointSourceContract } from "./gateway_endpoints_contract.ts";

interface Member extends Endpoint {
  readonly model: string;
  ready: boolean;
  leaving: boolean;
}

function localHarness(): Promise<EndpointHarness> {
  const members = new Map<string, Member>();
  let seq = 0;
  const source = createLocalEndpoints({
    models: ["m1", "m2"],
    list: (model) =>
      [...members.values()].filter((e) => e.model === model && e.ready && !e.leaving),
    leaving: (id) => members.get(id)?.leaving ?? false,
  });
  const change = (id: string, patch: Partial<Pick<Member, "ready" | "leaving">>) => {
    Object.assign(members.get(id)!, patch);
    source.changed();
    return Promise.resolve();
  };
  return Promise.resolve({
    source,
    models: ["m1", "m2"],
    add(model, ready) {
      const id = `${model}-${seq++}`;
      members.set(id, { id, url: `http://127.0.0.1:${9000 + seq}`, model, ready, leaving: false });
      source.changed();
      return Promise.resolve(id);
    },
    setReady: (id, ready) => change(id, { ready }),
    setLeaving: (id) => change(id, { leaving: true, ready: false }),
    remove(id) {
      members.delete(id);
      source.changed();
      return Promise.resolve();
    },
    close: () => Promise.resolve(),
  });
}

endpointSourceContract("local", localHarness, { settleMs: 500 });
