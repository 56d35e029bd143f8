/**
 * Process figures from Linux's /proc for the benchmark scripts.
 *
 * @module
 */

/**
 * CPU time a process has used (user + system), in clock ticks (1/100 s on Linux), from
 * `/proc/<pid>/stat`. Throws when the process or /proc is not there.
 */
export function processCpuTicks(pid: number): number {
  const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
  // Fields after the command name, which is in parentheses and may hold spaces.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return Number(fields[11]) + Number(fields[12]);
}
