/**
 * Parse-at-the-boundary helpers (pure): every config file, flag set and API body goes through a
 * zod schema here, and *all* problems are reported at once, each naming the field path and the
 * value that was given. Reading files is the runtime's job (`src/runtime/config/load.ts`).
 *
 * @module
 */
import type { z } from "zod";
import { parse as parseYaml, YAMLParseError } from "yaml";

/** Thrown when input does not match its schema; carries one line per problem. */
export class ConfigError extends Error {
  /** One human-readable line per problem: `<source>: <path>: <message> (got <value>)`. */
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(problems.join("\n"));
    this.name = "ConfigError";
    this.problems = problems;
  }
}

/**
 * Bad text a user wrote (a flag or variable value, a schedule, an SLO): the message is one line
 * that already names where the text came from (`--duration: …`), so it is printed as it is.
 */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InputError";
  }
}

/** Renders a zod issue path as `servers[0].currentAlloc.load`. Empty path renders as `(root)`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out === "" ? String(key) : `.${String(key)}`;
  }
  return out === "" ? "(root)" : out;
}

/**
 * The value at a zod issue `path` inside `input`, and whether it is there at all (a missing
 * field and one set to `undefined` read differently in error messages).
 */
export function lookupPath(
  input: unknown,
  path: readonly PropertyKey[],
): { found: boolean; value?: unknown } {
  let cur: unknown = input;
  for (const key of path) {
    if (cur === null || typeof cur !== "object") return { found: false };
    const rec = cur as Record<PropertyKey, unknown>;
    if (!(key in rec)) return { found: false };
    cur = rec[key];
  }
  return { found: true, value: cur };
}

/**
 * Sets `value` at a dotted `path` (`failure.stallMs`) inside `target`, creating the plain
 * objects on the way; the inverse of {@linkcode lookupPath} for config layers.
 */
export function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split(".");
  let cur = target;
  for (const key of keys.slice(0, -1)) {
    const next = cur[key];
    if (!isPlainObject(next)) cur[key] = {};
    cur = cur[key] as Record<string, unknown>;
  }
  cur[keys[keys.length - 1]!] = value;
}

function renderValue(value: unknown): string {
  if (value === undefined) return "undefined";
  try {
    const json = JSON.stringify(value);
    if (json === undefined) return String(value);
    return json.length > 80 ? json.slice(0, 77) + "..." : json;
  } catch {
    return String(value);
  }
}

/** One zod issue. */
export type ZodIssue = z.ZodError["issues"][number];

/**
 * One line for one zod issue: `<source>: <path>: <message> (got <value>)`, the value quoted from
 * `input` (`(missing)` when absent). `withPath: false` leaves the path out, for a source that
 * already names the field (a flag named like it).
 */
export function describeIssue(
  issue: ZodIssue,
  input: unknown,
  source?: string,
  options: { readonly withPath?: boolean } = {},
): string {
  const path = issue.path as PropertyKey[];
  const at = lookupPath(input, path);
  const got = at.found ? ` (got ${renderValue(at.value)})` : " (missing)";
  const prefix = source ? `${source}: ` : "";
  const where = options.withPath === false ? "" : `${formatPath(path)}: `;
  return `${prefix}${where}${issue.message}${issue.code === "unrecognized_keys" ? "" : got}`;
}

/**
 * Turns a zod error into one line per issue, naming the path and the offending value.
 *
 * @param error the zod error
 * @param input the raw input that was parsed (to quote the value)
 * @param source a prefix such as a file name or `--flags`
 */
export function describeZodError(error: z.ZodError, input: unknown, source?: string): string[] {
  return error.issues.map((issue) => describeIssue(issue, input, source));
}

/**
 * Parses `input` with `schema` or throws a {@linkcode ConfigError} listing every problem.
 *
 * @example
 * ```ts
 * import { z } from "zod";
 * import { parseOrThrow } from "./validate.ts";
 * const port = parseOrThrow(z.object({ port: z.number() }), { port: 8000 }).port;
 * ```
 */
export function parseOrThrow<S extends z.ZodType>(
  schema: S,
  input: unknown,
  source?: string,
): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new ConfigError(describeZodError(result.error, input, source));
}

/** Parses YAML (a superset of JSON) text, throwing a {@linkcode ConfigError} with the position. */
export function parseYamlText(text: string, source: string): unknown {
  try {
    return parseYaml(text, { prettyErrors: true });
  } catch (err) {
    if (err instanceof YAMLParseError) {
      const pos = err.linePos?.[0];
      const where = pos ? `line ${pos.line}, column ${pos.col}` : "unknown position";
      throw new ConfigError([`${source}: not valid YAML/JSON at ${where}: ${err.code}`]);
    }
    throw err;
  }
}

/**
 * Merges plain-object layers left to right (later layers win), recursing into nested plain
 * objects; arrays and scalars are replaced, and `undefined` values never override.
 */
export function mergeLayers(...layers: readonly unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const layer of layers) {
    if (!isPlainObject(layer)) continue;
    for (const [k, v] of Object.entries(layer)) {
      if (v === undefined) continue;
      const prev = out[k];
      out[k] = isPlainObject(prev) && isPlainObject(v) ? mergeLayers(prev, v) : v;
    }
  }
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}
