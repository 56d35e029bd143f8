/**
 * The Kubernetes connection layer of wva, for Deno: load a kubeconfig (file or in-cluster) and
 * get working API clients (client-certificate auth included), a watch loop that survives
 * apiserver restarts and 410 Gone, the scale subresource, and typed API errors.
 *
 * @module
 */
import "./quiet_punycode.ts";
export { type ApiConstructor, type Kube, loadKube } from "./load_kube.ts";
export { type Connection, KubeConfigError, type KubeSource, loadConnection } from "./connection.ts";
export { createTransport, type KubeTransport, type RequestOptions } from "./transport.ts";
export { type KubeObject, watch, type WatchEvent, type WatchOptions } from "./watch.ts";
export { getScale, type Scale, scalePath, type ScaleTarget, setReplicas } from "./scale.ts";
export {
  isConflict,
  isForbidden,
  isGone,
  isNotFound,
  KubeApiError,
  statusCodeOf,
} from "./errors.ts";
export { fromMicroTime, toMicroTime } from "./micro_time.ts";
