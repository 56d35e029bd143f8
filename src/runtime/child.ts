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
