/**
 * Runs `kind/up.sh` and `kind/down.sh` on a machine without Docker or Kind: `kind` and `docker`
 * are replaced by small recording shims (kind keeps a list of "clusters" in a file and hands out
 * a given kubeconfig, e.g. the local test cluster's), everything else is real. The shims log
 * every call, so a test can prove what the scripts did and did not run.
 *
 * @module
 */

/** Repository root (absolute, with a trailing slash). */
export const ROOT = new URL("../../", import.meta.url).pathname;

/** A directory of shims plus their call log. */
export interface Shims {
  /** Directory to put first on PATH. */
  readonly binDir: string;
  /** Every call, one line each: `<tool> <args…>`. */
  calls(): Promise<string[]>;
  /** Environment for the scripts: PATH plus the shims' own variables. */
  env(pathTail: readonly string[]): Record<string, string>;
  /** Removes the shim directory. */
  remove(): Promise<void>;
}

/** Which tools to shim and how they behave. */
export interface ShimOptions {
  /** Tools to provide; the others are absent from the shim dir. */
  readonly tools: readonly ("kind" | "docker" | "kubectl" | "deno")[];
  /** `docker info` fails (no reachable engine). @default false */
  readonly dockerDown?: boolean;
  /** Kubeconfig that `kind get kubeconfig` prints. */
  readonly kubeconfigPath?: string;
  /** Clusters that already exist. */
  readonly clusters?: readonly string[];
}

const KIND = `#!/bin/bash
# kind shim: records the call; keeps cluster names in $SHIM_DIR/clusters.
echo "kind $*" >> "$SHIM_DIR/calls.log"
name=kind
args=("$@")
for ((i = 0; i < \${#args[@]}; i++)); do
  [ "\${args[i]}" = "--name" ] && name="\${args[i+1]}"
done
case "$1 $2" in
  "get clusters") cat "$SHIM_DIR/clusters" 2>/dev/null; exit 0 ;;
  "create cluster") echo "$name" >> "$SHIM_DIR/clusters" ;;
  "delete cluster")
    grep -vx -- "$name" "$SHIM_DIR/clusters" > "$SHIM_DIR/clusters.new" || true
    mv "$SHIM_DIR/clusters.new" "$SHIM_DIR/clusters" ;;
  "get kubeconfig") cat "$SHIM_KUBECONFIG" ;;
  "load docker-image") ;;
  *) echo "kind shim: unexpected call: $*" >&2; exit 3 ;;
esac
`;

const DOCKER = `#!/bin/bash
echo "docker $*" >> "$SHIM_DIR/calls.log"
if [ "$1" = info ] && [ "$SHIM_DOCKER_DOWN" = 1 ]; then
  echo "Cannot connect to the Docker daemon" >&2; exit 1
fi
exit 0
`;

const RECORD_ONLY = (tool: string) =>
  `#!/bin/bash
echo "${tool} $*" >> "$SHIM_DIR/calls.log"
echo "${tool} shim: should not have been called" >&2
exit 3
`;

/** Writes the shims into a fresh temp dir. */
export async function makeShims(options: ShimOptions): Promise<Shims> {
  const dir = await Deno.makeTempDir({ prefix: "wva-kind-shims-" });
  const binDir = `${dir}/bin`;
  await Deno.mkdir(binDir);
  const scripts: Record<string, string> = {
    kind: KIND,
    docker: DOCKER,
    kubectl: RECORD_ONLY("kubectl"),
    deno: RECORD_ONLY("deno"),
  };
  for (const tool of options.tools) {
    await Deno.writeTextFile(`${binDir}/${tool}`, scripts[tool]!, { mode: 0o755 });
  }
  await Deno.writeTextFile(`${dir}/calls.log`, "");
  await Deno.writeTextFile(
    `${dir}/clusters`,
    (options.clusters ?? []).map((c) => `${c}\n`).join(""),
  );
  return {
    binDir,
    calls: async () =>
      (await Deno.readTextFile(`${dir}/calls.log`)).split("\n").filter((l) => l !== ""),
    env: (pathTail) => ({
      PATH: [binDir, ...pathTail].join(":"),
      SHIM_DIR: dir,
      SHIM_DOCKER_DOWN: options.dockerDown ? "1" : "0",
      SHIM_KUBECONFIG: options.kubeconfigPath ?? "/nonexistent",
    }),
    remove: () => Deno.remove(dir, { recursive: true }),
  };
}

/** Output of one script run. */
export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `kind/<script>` with bash and exactly this environment (nothing inherited). */
export async function runScript(
  script: "up.sh" | "down.sh",
  args: readonly string[],
  env: Record<string, string>,
): Promise<RunResult> {
  const out = await new Deno.Command("/bin/bash", {
    args: [`${ROOT}kind/${script}`, ...args],
    env: { HOME: Deno.env.get("HOME") ?? "/tmp", ...env },
    clearEnv: true,
    stdin: "null",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}
