/**
 * One emulator child process of the pod runner: spawn (`wva emulator …` from this checkout via
 * `deno run`, or a compiled `wva` binary), keep the tail of its output (and, with a log file, all
 * of it), stop it the way a kubelet stops a container (SIGTERM, wait the grace period, SIGKILL),
 * and pick loopback ports.
 *
 * Children are started through util-linux `setpriv --pdeathsig TERM` when it is installed, so
 * they drain and exit even if the runner's process is killed without a chance to stop them.
 *
 * @module
 */

/** How a child ended. */
export interface ExitInfo {
  readonly code: number;
  readonly signal: Deno.Signal | null;
}

/** A running child. */
export interface ChildProcess {
  readonly pid: number;
  /** Resolves once the process has exited and its output is read. */
  readonly exited: Promise<ExitInfo>;
  /** The last lines the process wrote (stdout and stderr). */
  tail(): readonly string[];
  /** Sends a signal; a no-op once the process is gone. */
  signal(sig: Deno.Signal): void;
}

/** What to run. */
export interface ChildSpec {
  /** Program and leading arguments, e.g. `[deno, "run", "-A", "main.ts"]` or `["/usr/bin/wva"]`. */
  readonly command: readonly string[];
  readonly args: readonly string[];
  /** The whole environment of the child (nothing is inherited). */
  readonly env: Readonly<Record<string, string>>;
  /** Appends all output here when given. */
  readonly logFile?: string | undefined;
}

const TAIL_LINES = 20;
const SETPRIV = "/usr/bin/setpriv";

function hasSetpriv(): boolean {
  try {
    return Deno.statSync(SETPRIV).isFile;
  } catch {
    return false;
  }
}

/**
 * The command that runs `wva`: this checkout's `main.ts` through the running Deno when the file
 * is there, else the running executable itself (a `deno compile`d `wva`).
 */
export function defaultWvaCommand(): string[] {
  const main = new URL("../../../../main.ts", import.meta.url);
  const config = new URL("../../../../deno.json", import.meta.url);
  try {
    if (main.protocol === "file:" && Deno.statSync(main).isFile) {
      return [Deno.execPath(), "run", "-A", "--config", config.pathname, main.pathname];
    }
  } catch { /* compiled: no source tree */ }
  return [Deno.execPath()];
}

/** Environment variables a child inherits from the runner (where Deno and its caches live). */
export const INHERITED_ENV: readonly string[] = [
  "PATH",
  "HOME",
  "TMPDIR",
  "DENO_DIR",
  "XDG_CACHE_HOME",
  "NO_COLOR",
  "LANG",
];

/** Spawns a child with piped output. Throws when the program cannot be started. */
export function spawnChild(spec: ChildSpec): ChildProcess {
  const [program, ...lead] = spec.command;
  if (program === undefined) throw new TypeError("Cannot spawn an emulator: the command is empty");
  const argv = [...lead, ...spec.args];
  const wrapped = hasSetpriv()
    ? { cmd: SETPRIV, args: ["--pdeathsig", "TERM", "--", program, ...argv] }
    : { cmd: program, args: argv };
  const child = new Deno.Command(wrapped.cmd, {
    args: wrapped.args,
    env: { ...spec.env },
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const lines: string[] = [];
  const file = spec.logFile
    ? Deno.openSync(spec.logFile, { append: true, create: true })
    : undefined;
  const pumps = [child.stdout, child.stderr].map((s) => pump(s, lines, file));
  const exited = (async () => {
    const status = await child.status;
    await Promise.all(pumps);
    file?.close();
    return { code: status.code, signal: status.signal };
  })();
  let done = false;
  void exited.then(() => (done = true));
  return {
    pid: child.pid,
    exited,
    tail: () => [...lines],
    signal(sig) {
      if (done) return;
      try {
        child.kill(sig);
      } catch { /* exited meanwhile */ }
    },
  };
}

async function pump(
  stream: ReadableStream<Uint8Array>,
  lines: string[],
  file: Deno.FsFile | undefined,
): Promise<void> {
  let rest = "";
  const enc = new TextEncoder();
  try {
    for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
      if (file) file.writeSync(enc.encode(chunk));
      const parts = (rest + chunk).split("\n");
      rest = parts.pop() ?? "";
      lines.push(...parts.filter((l) => l !== ""));
      if (lines.length > TAIL_LINES) lines.splice(0, lines.length - TAIL_LINES);
    }
  } catch { /* the stream broke: the process is gone */ }
  if (rest) lines.push(rest);
}

/**
 * Stops a child as a kubelet stops a container: SIGTERM (the emulator drains), then SIGKILL if
 * it is still running after `graceMs`. Resolves with how it ended.
 */
export async function stopChild(child: ChildProcess, graceMs: number): Promise<ExitInfo> {
  child.signal("SIGTERM");
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<"late">((r) => (timer = setTimeout(() => r("late"), graceMs)));
  const first = await Promise.race([child.exited, late]);
  clearTimeout(timer);
  if (first !== "late") return first;
  child.signal("SIGKILL");
  return await child.exited;
}

/** A TCP port on 127.0.0.1 that was free a moment ago (bind to 0, read, close). */
export function loopbackPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}
