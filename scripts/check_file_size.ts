/**
 * `deno task lint:size`: source files stay small (house style: aim for ≤ 300 lines, fail above
 * 400). Tests and generated files are exempt.
 *
 * @module
 */

/** Hard limit in lines for a non-test source file. */
export const MAX_LINES = 400;

const ROOTS = ["src", "emulator", "scripts", "main.ts"];

async function* walk(path: string): AsyncGenerator<string> {
  let stat: Deno.FileInfo;
  try {
    stat = await Deno.stat(path);
  } catch {
    return;
  }
  if (stat.isFile) {
    if (path.endsWith(".ts")) yield path;
    return;
  }
  for await (const e of Deno.readDir(path)) yield* walk(`${path}/${e.name}`);
}

if (import.meta.main) {
  const over: string[] = [];
  for (const root of ROOTS) {
    for await (const file of walk(root)) {
      if (file.endsWith("_test.ts") || file.includes("/generated/")) continue;
      const lines = (await Deno.readTextFile(file)).split("\n").length;
      if (lines > MAX_LINES) over.push(`${file}: ${lines} lines (max ${MAX_LINES})`);
    }
  }
  if (over.length) {
    console.error(`file size check failed:\n${over.join("\n")}`);
    Deno.exit(1);
  }
  console.log("file size check passed");
}
