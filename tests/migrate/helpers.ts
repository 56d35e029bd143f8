/**
 * Runs `wva migrate` as a user does (a `deno run main.ts` subprocess), with optional stdin.
 *
 * @module
 */

const MAIN = new URL("../../main.ts", import.meta.url).pathname;

/** What a `wva migrate` run printed and returned. */
export interface MigrateRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `wva migrate ARGS` (stdin: `input`, or none). */
export async function migrate(args: readonly string[], input?: string): Promise<MigrateRun> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, "migrate", ...args],
    stdin: input === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (input !== undefined) {
    const w = child.stdin.getWriter();
    await w.write(new TextEncoder().encode(input));
    await w.close();
  }
  const out = await child.output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/** Repository-relative path → absolute path. */
export function repoFile(rel: string): string {
  return new URL(`../../${rel}`, import.meta.url).pathname;
}
