/**
 * The local backend of the control cycle: a pool of emulator replicas on loopback, limited by a
 * GPU inventory, that implements `ClusterReader` and `DecisionSink` (src/core/contract/ports.ts).
 *
 * ```ts ignore
 * import { createLocalPool } from "./mod.ts";
 * const pool = createLocalPool({ variants, inventory: { A100: 2, H100: 2 }, loadingDelayMs: 4000 });
 * pool.start();
 * await pool.whenReady(30_000);
 * // runCycle({ cluster: pool, metrics, sink: pool }, …); pool.routable() feeds the router
 * await pool.close();
 * ```
 *
 * @module
 */
export { createLocalPool, type LocalPool, type LocalPoolOptions } from "./pool.ts";
export {
  holdsGpus,
  isActive,
  probeReady,
  removalOrder,
  type ReplicaInfo,
  type ReplicaServer,
  type ReplicaStarter,
  type ReplicaState,
} from "./replica.ts";
export { type PoolEvent, type VariantStatus, variantStatus } from "./status.ts";
export type { LocalVariantSpec } from "./variant_spec.ts";
