/**
 * Decode supply and demand of the throughput analyzer, in tokens per second (controller.md
 * §3.5). A replica at KV fraction k* holds N(k*) = k*·KV_max / KV_req requests in flight and
 * emits one token per request every ITL(k*) seconds, so its decode capacity is
 * μ_dec = N(k*) / ITL(k*). Demand is λ_dec = arrival rate × mean output tokens. Pure.
 *
 * @module
 */
import { itlAt, type ItlModel } from "./itl_fit.ts";

/** One replica's decode capacity at k*. */
export interface ReplicaDecodeSupply {
  /** Requests in flight at k*: k*·KV_max / KV_req. */
  readonly inFlight: number;
  /** ITL(k*), s/token. */
  readonly itlSec: number;
  /** μ_dec = inFlight / itlSec, tokens/s. */
  readonly tokensPerSec: number;
}

/**
 * Decode capacity of a replica with `kvCapacityTokens` of KV cache, for requests holding
 * `kvTokensPerRequest` each (0 when either is not positive or ITL(k*) ≤ 0).
 */
export function replicaDecodeSupply(
  kvCapacityTokens: number,
  kvTokensPerRequest: number,
  model: ItlModel,
  kSat: number,
): ReplicaDecodeSupply {
  const itlSec = itlAt(model, kSat);
  if (!(kvCapacityTokens > 0) || !(kvTokensPerRequest > 0) || !(itlSec > 0)) {
    return { inFlight: 0, itlSec, tokensPerSec: 0 };
  }
  const inFlight = (kSat * kvCapacityTokens) / kvTokensPerRequest;
  return { inFlight, itlSec, tokensPerSec: inFlight / itlSec };
}

/** λ_dec = arrival rate (req/s) × mean output tokens, tokens/s. */
export function decodeDemand(arrivalRatePerSec: number, outputTokens: number): number {
  return Math.max(0, arrivalRatePerSec) * Math.max(0, outputTokens);
}

/**
 * Demand read off busy replicas when no arrival rate is known: Σ k·KV_max / KV_req / ITL(k),
 * each replica's current decode rate (it can undercount arriving load: scale-up only).
 */
export function localDecodeDemand(
  replicas: readonly { readonly k: number; readonly kvCapacityTokens: number }[],
  kvTokensPerRequest: number,
  model: ItlModel,
): number {
  if (!(kvTokensPerRequest > 0)) return 0;
  let total = 0;
  for (const { k, kvCapacityTokens } of replicas) {
    const itl = itlAt(model, k);
    if (k > 0 && kvCapacityTokens > 0 && itl > 0) {
      total += (k * kvCapacityTokens) / kvTokensPerRequest / itl;
    }
  }
  return total;
}

/**
 * Requests waiting upstream as a decode rate: drained within `drainFactor` × ITL(k*) × OL per
 * request, so they add requests / (drainFactor × ITL(k*)) tokens/s (OL cancels).
 */
export function queueDecodeDemand(
  requests: number,
  itlSatSec: number,
  drainFactor: number,
): number {
  if (!(requests > 0) || !(itlSatSec > 0) || !(drainFactor > 0)) return 0;
  return requests / (drainFactor * itlSatSec);
}
