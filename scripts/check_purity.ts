/**
 * `deno task lint:purity`: the pure core (queueing model, analyzers, optimizer, the emulator's
 * engine, the load plan) must not read the clock, draw unseeded randomness or do I/O. This
 * script greps those folders for the forbidden calls and fails with file:line for each hit.
 *
 * @module
 */

/** Folders (relative to the repository root) whose non-test files must stay pure. */
export const PURE_DIRS: readonly string[] = [
  "src/core/model",
  "src/core/analyze",
  "src/core/optimize",
  "src/core/cycle",
  "emulator/engine",
  "src/core/load",
];

/** Forbidden patterns and why. */
export const FORBIDDEN: ReadonlyArray<{ re: RegExp; why: string }> = [
  { re: /\bDeno\./, why: "Deno API (I/O) in pure code" },
  { re: /\bfetch\(/, why: "network I/O in pure code" },
  { re: /\bDate\.now\(/, why: "wall clock; take nowMs as a parameter" },
  { re: /\bnew Date\(\s*\)/, why: "wall clock; take nowMs as a parameter" },
  { re: /\bMath\.random\(/, why: "unseeded randomness; take an Rng" },
  { re: /\bsetTimeout\(|\bsetInterval\(/, why: "timers; take a Clock in the shell instead" },
  { re: /\bperformance\.now\(/, why: "wall clock; take nowMs as a parameter" },
];

/** Scans one file's text; returns `path:line: why` strings. */
export function scanText(path: string, text: string): string[] {
  const hits: string[] = [];
  const lines = text.split("\n");
  lines.forEach((line, i) => {
    const code = line.replace(/\/\/.*$/, "");
    if (/^\s*\*/.test(code)) return; // JSDoc body
    for (const { re, why } of FORBIDDEN) {
      if (re.test(code)) hits.push(`${path}:${i + 1}: ${why}`);
    }
  });
  return hits;
}

async function* walk(dir: string): AsyncGenerator<string> {
  let entries: Deno.DirEntry[];
  try {
    entries = await Array.fromAsync(Deno.readDir(dir));
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return;
    throw err;
  }
  for (const e of entries) {
    const p = `${dir}/${e.name}`;
    if (e.isDirectory) yield* walk(p);
    else if (e.isFile && p.endsWith(".ts") && !p.endsWith("_test.ts")) yield p;
  }
}

if (import.meta.main) {
  const hits: string[] = [];
  for (const dir of PURE_DIRS) {
    for await (const file of walk(dir)) hits.push(...scanText(file, await Deno.readTextFile(file)));
  }
  if (hits.length) {
    console.error(`purity check failed (${hits.length}):\n${hits.join("\n")}`);
    Deno.exit(1);
  }
  console.log("purity check passed");
}
