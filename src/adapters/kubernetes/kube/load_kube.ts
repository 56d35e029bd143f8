/**
 * `loadKube()`: the one way wva code gets Kubernetes clients. It loads a kubeconfig (a file,
 * the environment, or in-cluster), and returns `@kubernetes/client-node`'s typed API clients
 * wired to the Deno-native transport (mTLS included), plus the raw transport, a robust watch
 * loop and the scale subresource.
 *
 * @example
 * ```ts
 * import { loadKube } from "./load_kube.ts";
 * const kube = loadKube({ kubeconfigPath: "/tmp/admin.kubeconfig" });
 * const nodes = await kube.core.listNode();
 * kube.close();
 * ```
 *
 * @module
 */
import "./quiet_punycode.ts";
import {
  ApiextensionsV1Api,
  AppsV1Api,
  AutoscalingV2Api,
  CoordinationV1Api,
  CoreV1Api,
  createConfiguration,
  CustomObjectsApi,
  type KubeConfig,
  RbacAuthorizationV1Api,
  ServerConfiguration,
} from "@kubernetes/client-node";
import { type Connection, type KubeSource, loadConnection } from "./connection.ts";
import { getScale, type Scale, type ScaleTarget, setReplicas } from "./scale.ts";
import { clientNodeHttpLibrary, createTransport, type KubeTransport } from "./transport.ts";
import { type KubeObject, watch, type WatchOptions } from "./watch.ts";

/** A generated client-node API class (e.g. `BatchV1Api`). */
export type ApiConstructor<T> = new (config: ReturnType<typeof createConfiguration>) => T;

/** Kubernetes access for one kubeconfig context. Call `close()` when done. */
export interface Kube {
  /** The parsed kubeconfig. */
  readonly kc: KubeConfig;
  readonly connection: Connection;
  /** Raw requests (`fetch`, `json`) with the same TLS and auth as the typed clients. */
  readonly transport: KubeTransport;
  /** The context's namespace (the pod's namespace in cluster), `default` if unset. */
  readonly namespace: string;
  readonly core: CoreV1Api;
  readonly apps: AppsV1Api;
  /** Custom resources, e.g. VariantAutoscaling objects and their status subresource. */
  readonly custom: CustomObjectsApi;
  /** Leases for leader election. */
  readonly coordination: CoordinationV1Api;
  readonly apiextensions: ApiextensionsV1Api;
  readonly autoscaling: AutoscalingV2Api;
  readonly rbac: RbacAuthorizationV1Api;
  /** Any other generated API class, on the same transport. */
  makeApiClient<T>(api: ApiConstructor<T>): T;
  /** List-then-watch loop with reconnect and re-list; see {@linkcode watch}. */
  watch<T extends KubeObject>(path: string, options: WatchOptions<T>): Promise<void>;
  /** Reads a workload's `/scale` subresource. */
  getScale(target: ScaleTarget): Promise<Scale>;
  /** Sets desired replicas through `/scale`. */
  setReplicas(target: ScaleTarget, replicas: number): Promise<Scale>;
  /** Closes pooled connections (abort running watches first). */
  close(): void;
}

/**
 * Loads a kubeconfig and builds the clients. Resolution: `kubeconfigPath` if given, else
 * `inCluster`, else `$KUBECONFIG` / `~/.kube/config` / in-cluster as client-node's
 * `loadFromDefault` does. Throws `KubeConfigError` for a missing or unusable kubeconfig.
 */
export function loadKube(source: KubeSource = {}): Kube {
  const connection = loadConnection(source);
  const transport = createTransport(connection);
  const config = createConfiguration({
    baseServer: new ServerConfiguration(connection.server, {}),
    httpApi: clientNodeHttpLibrary(transport),
    authMethods: {},
  });
  const make = <T>(api: ApiConstructor<T>): T => new api(config);
  return {
    kc: connection.kc,
    connection,
    transport,
    namespace: connection.namespace,
    core: make(CoreV1Api),
    apps: make(AppsV1Api),
    custom: make(CustomObjectsApi),
    coordination: make(CoordinationV1Api),
    apiextensions: make(ApiextensionsV1Api),
    autoscaling: make(AutoscalingV2Api),
    rbac: make(RbacAuthorizationV1Api),
    makeApiClient: make,
    watch: (path, options) => watch(transport, path, options),
    getScale: (target) => getScale(transport, target),
    setReplicas: (target, replicas) => setReplicas(transport, target, replicas),
    close: () => transport.close(),
  };
}
