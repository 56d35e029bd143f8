/**
 * `deno task lint:structure`: the structure rules of the tree, over the real import graph.
 * - layers (scripts/lib/layer_rules.ts): core imports only core (and npm zod/yaml), runtime only
 *   core, adapters never each other or a mode, modes never another mode;
 * - purity: core code (src/core, emulator/engine) never touches the clock, unseeded randomness,
 *   timers or I/O globals;
 * - size: no function over {@linkcode MAX_FUNCTION_LINES} lines and no file over
 *   {@linkcode MAX_FILE_LINES} lines in non-test source (src, emulator, scripts, main.ts).
 * Test files (`*_test.ts`) are exempt. Each problem is printed as `path:line: why`.
 *
 * @module
 */
import { relative, resolve } from "node:path";
import { importProblem, layerOf } from "./lib/layer_rules.ts";
import { type FileScan, scanSource } from "./lib/ts_scan.ts";

/** Longest function body allowed, in lines (house style: split closure factories). */
export const MAX_FUNCTION_LINES = 80;
/** Longest non-test source file allowed, in lines. */
export const MAX_FILE_LINES = 400;

const ROOTS = ["src", "emulator", "scripts", "main.ts"];

/** All problems of one file, given its repository-relative path, text and scan. */
export function fileProblems(path: string, text: string, scan: FileScan): string[] {
  if (path.endsWith("_test.ts")) return [];
  const out: string[] = [];
  for (const imp of scan.imports) {
    const local = imp.specifier.startsWith(".");
    const target = local ? relative(".", resolve(dirOf(path), imp.specifier)) : imp.specifier;
    const why = importProblem(path, target, local);
    if (why) out.push(`${path}:${imp.line}: ${why}`);
  }
  if (layerOf(path)?.layer === "core") {
    for (const u of scan.impure) out.push(`${path}:${u.line}: ${u.why}`);
  }
  for (const f of scan.functions) {
    if (f.lines > MAX_FUNCTION_LINES) {
      out.push(
        `${path}:${f.line}: function ${f.name} is ${f.lines} lines (max ${MAX_FUNCTION_LINES})`,
      );
    }
  }
  const lines = text.split("\n").length;
  if (lines > MAX_FILE_LINES) out.push(`${path}:1: ${lines} lines (max ${MAX_FILE_LINES})`);
  return out;
}

function dirOf(path: string): string {
  const i = path.lastIndexOf("/");
  return i < 0 ? "." : path.slice(0, i);
}

async function* walk(path: string): AsyncGenerator<string> {
  const stat = await Deno.stat(path).catch(() => undefined);
  if (!stat) return;
  if (stat.isFile) {
    if (path.endsWith(".ts")) yield path;
    return;
  }
  for await (const e of Deno.readDir(path)) yield* walk(`${path}/${e.name}`);
}

if (import.meta.main) {
  const problems: string[] = [];
  let files = 0;
  for (const root of ROOTS) {
    for await (const path of walk(root)) {
      const text = await Deno.readTextFile(path);
      problems.push(...fileProblems(path, text, scanSource(path, text)));
      files++;
    }
  }
  if (problems.length) {
    console.error(`structure check failed (${problems.length}):\n${problems.join("\n")}`);
    Deno.exit(1);
  }
  console.log(`structure check passed (${files} files: layers, purity, function and file size)`);
}
