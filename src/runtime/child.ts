/**
 * Child processes that do not outlive their parent: util-linux `setpriv --pdeathsig TERM` in
 * front of the command, when it is installed, makes the kernel send SIGTERM to the child the
 * moment the parent dies (even on SIGKILL), so a killed `wva demo --cluster` leaves no Prometheus
 * or controller behind.
 *
 * @module
 */

const SETPRIV = "/usr/bin/setpriv";

/**
 * The command with `setpriv --pdeathsig TERM` in front when available, else as it is.
 *
 * @example
 * ```ts
 * import { withParentDeathSignal } from "./child.ts";
 * const [program, ...args] = withParentDeathSignal(["/usr/bin/prometheus", "--version"]);
 * // program: "/usr/bin/setpriv" (args start with "--pdeathsig", "TERM") or "/usr/bin/prometheus"
 * ```
 */
export function withParentDeathSignal(command: readonly string[]): string[] {
  try {
    if (Deno.statSync(SETPRIV).isFile) return [SETPRIV, "--pdeathsig", "TERM", ...command];
  } catch { /* not installed */ }
  return [...command];
}

/**
 * Stops a child: SIGTERM, then SIGKILL if it has not exited after `killAfterMs` (the
 * process may be draining). Resolves once it has exited; a child already gone is fine.
 */
export async function terminateChild(c: Deno.ChildProcess, killAfterMs = 10_000): Promise<void> {
  const signal = (s: Deno.Signal) => {
    try {
      c.kill(s);
    } catch { /* gone */ }
  };
  signal("SIGTERM");
  const timer = setTimeout(() => signal("SIGKILL"), killAfterMs);
  try {
    await c.status;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Polls `url` until it answers 2xx (each try bounded by 1 s), every `intervalMs`. Throws
 * "`what` exited at start-up" as soon as `exited()` is true, and "`what` was not ready within
 * `timeoutMs` ms (url)" at the deadline. For children that report readiness over HTTP
 * (Prometheus' `/-/ready`, the controller's `/readyz`).
 */
export async function waitHttpReady(
  url: string,
  o: { what: string; exited: () => boolean; timeoutMs: number; intervalMs: number },
): Promise<void> {
  const deadline = Date.now() + o.timeoutMs;
  while (Date.now() < deadline) {
    if (o.exited()) throw new Error(`${o.what} exited at start-up`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await res.body?.cancel();
      if (res.ok) return;
    } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, o.intervalMs));
  }
  throw new Error(`${o.what} was not ready within ${o.timeoutMs} ms (${url})`);
}

/** Calls `fn` for each line of a byte stream (a child's stdout or stderr), the last one too. */
export async function forEachLine(
  stream: ReadableStream<Uint8Array>,
  fn: (line: string) => void,
): Promise<void> {
  let rest = "";
  for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
    const parts = (rest + chunk).split("\n");
    rest = parts.pop() ?? "";
    for (const p of parts) fn(p);
  }
  if (rest !== "") fn(rest);
}
