/**
 * Turns a kubeconfig (a file, `$KUBECONFIG`, `~/.kube/config`, or the in-cluster service-account
 * files) into what a Deno-native HTTP client needs: the server URL, the CA, the client certificate
 * and key (Kind's mTLS), or a way to get the `Authorization` header (tokens, token files, exec
 * plugins). Parsing and the auth plugins are `@kubernetes/client-node`'s; the TLS material is
 * handed to `Deno.createHttpClient`, which does mTLS natively.
 *
 * @module
 */
import "./quiet_punycode.ts";
import { KubeConfig } from "@kubernetes/client-node";

/** Where to load the kubeconfig from. */
export interface KubeSource {
  /** A kubeconfig file (Kind-shaped or any other). Wins over `inCluster` and the environment. */
  readonly kubeconfigPath?: string | undefined;
  /** Use the pod's service account (`KUBERNETES_SERVICE_HOST`, token and CA files). */
  readonly inCluster?: boolean | undefined;
  /** Context to use instead of the kubeconfig's `current-context`. */
  readonly context?: string | undefined;
  /** In cluster: directory prefix of `/var/run/secrets/...` (tests fake a pod with it). @default "" */
  readonly inClusterRoot?: string | undefined;
}

/** Everything needed to talk to one apiserver. */
export interface Connection {
  /** Base URL of the apiserver without a trailing slash, e.g. `https://127.0.0.1:6443`. */
  readonly server: string;
  /** PEM of the cluster CA (added to the system roots), if the kubeconfig names one. */
  readonly caPem: string | undefined;
  /** PEM client certificate and key for mTLS, if the user has them. */
  readonly clientCertPem: string | undefined;
  readonly clientKeyPem: string | undefined;
  /** The namespace of the context (or the pod's namespace in cluster), `default` otherwise. */
  readonly namespace: string;
  /** Returns the current `Authorization` header value, or undefined (client certs only). */
  authorization(): Promise<string | undefined>;
  /** The parsed kubeconfig, for code that wants client-node's own helpers. */
  readonly kc: KubeConfig;
}

/** Raised when the kubeconfig cannot be loaded or names something the transport cannot do. */
export class KubeConfigError extends Error {
  override name = "KubeConfigError";
}

function loadConfig(source: KubeSource): KubeConfig {
  const kc = new KubeConfig();
  try {
    if (source.kubeconfigPath) kc.loadFromFile(source.kubeconfigPath);
    else if (source.inCluster) {
      if (!Deno.env.get("KUBERNETES_SERVICE_HOST") || !Deno.env.get("KUBERNETES_SERVICE_PORT")) {
        throw new Error("KUBERNETES_SERVICE_HOST/PORT are not set (not running in a pod?)");
      }
      kc.loadFromCluster(source.inClusterRoot ?? "");
    } else kc.loadFromDefault();
  } catch (err) {
    const where = source.kubeconfigPath ??
      (source.inCluster ? "in-cluster service account" : "default");
    throw new KubeConfigError(`cannot load kubeconfig (${where}): ${(err as Error).message}`);
  }
  if (source.context) {
    if (!kc.getContextObject(source.context)) {
      throw new KubeConfigError(`kubeconfig has no context '${source.context}'`);
    }
    kc.setCurrentContext(source.context);
  }
  return kc;
}

function pem(data: string | undefined, file: string | undefined, what: string): string | undefined {
  if (data) {
    const text = new TextDecoder().decode(
      Uint8Array.from(atob(data.trim()), (c) => c.charCodeAt(0)),
    );
    if (!text.includes("-----BEGIN")) throw new KubeConfigError(`${what} data is not base64 PEM`);
    return text;
  }
  if (file) {
    try {
      return Deno.readTextFileSync(file);
    } catch (err) {
      throw new KubeConfigError(`cannot read ${what} file ${file}: ${(err as Error).message}`);
    }
  }
  return undefined;
}

/** Cache window for the Authorization header (token files and exec plugins are re-read after it). */
const AUTH_CACHE_MS = 30_000;

/**
 * Loads a kubeconfig and extracts the connection. Throws {@linkcode KubeConfigError} naming the
 * problem: no cluster, an unreadable CA/cert/key, or `insecure-skip-tls-verify` (which the Deno
 * transport refuses: give the CA instead).
 */
export function loadConnection(source: KubeSource = {}): Connection {
  const kc = loadConfig(source);
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new KubeConfigError("kubeconfig has no current cluster");
  if (cluster.skipTLSVerify) {
    throw new KubeConfigError(
      `cluster '${cluster.name}' sets insecure-skip-tls-verify, which is not supported; ` +
        "set certificate-authority(-data) instead",
    );
  }
  const user = kc.getCurrentUser();
  const clientCertPem = pem(user?.certData, user?.certFile, "client-certificate");
  const clientKeyPem = pem(user?.keyData, user?.keyFile, "client-key");
  if ((clientCertPem === undefined) !== (clientKeyPem === undefined)) {
    throw new KubeConfigError(`user '${user?.name}' has a client certificate or key but not both`);
  }
  let cached: { value: string | undefined; atMs: number } | undefined;
  const needsHeader = !!(user && (user.token || user.authProvider || user.exec || user.username));
  async function authorization(): Promise<string | undefined> {
    if (!needsHeader) return undefined;
    const now = Date.now();
    if (cached && now - cached.atMs < AUTH_CACHE_MS) return cached.value;
    const opts = await kc.applyToFetchOptions({});
    const headers = new Headers(opts.headers as HeadersInit | undefined);
    cached = { value: headers.get("Authorization") ?? undefined, atMs: now };
    return cached.value;
  }
  return {
    server: cluster.server.replace(/\/+$/, ""),
    caPem: pem(cluster.caData, cluster.caFile, "certificate-authority"),
    clientCertPem,
    clientKeyPem,
    namespace: contextNamespace(kc),
    authorization,
    kc,
  };
}

/** The context's namespace; in cluster, client-node reads it from the service-account files. */
function contextNamespace(kc: KubeConfig): string {
  return kc.getContextObject(kc.getCurrentContext())?.namespace?.trim() || "default";
}
