/**
 * The one flags → environment → config file → zod path of every mode. Precedence, lowest first:
 * the schema's defaults, the config file, the environment, the flags. Each layer is a partial
 * config object; the merged object is validated once by the mode's schema, and every problem is
 * one line that names where the value came from and the value itself:
 *
 * - a flag: `--interval: controller.intervalMs: expected a duration such as 5s (got "soon")`
 *   (the path is left out when it is the flag's own name: `--url: must be … (got "ftp://x")`);
 * - a variable: `WVA_EMULATOR_PORT: port: Invalid input: … (got "http")`;
 * - the file, or the mode's `source` when there is no file: `demo.yaml: variants[1].name: …`.
 *
 * Text a row's `read` cannot take, a bad boolean variable and two flags that set the same field
 * are problems too; all of them are reported together in one {@linkcode ConfigError}.
 *
 * @module
 */
import type { z } from "zod";
import { readBoolean } from "../../core/util/coerce.ts";
import {
  ConfigError,
  describeIssue,
  InputError,
  lookupPath,
  mergeLayers,
  setPath,
  type ZodIssue,
} from "../../core/util/validate.ts";
import type { FlagValues } from "../cli/flags.ts";
import { camelCase, type FlagRow, prefixedEnv } from "./table.ts";

/** What a mode's configuration is made of. */
export interface ConfigSpec<S extends z.ZodType> {
  /** The mode's schema: the single source of truth for defaults and validation. */
  readonly schema: S;
  readonly flags: readonly FlagRow[];
  /** Names problems that no flag, variable or file explains, when no file was given. */
  readonly source: string;
  /** Every row with a path also reads the variable `envPrefix + FLAG` (`WVA_EMULATOR_PORT`). */
  readonly envPrefix?: string;
  /** The flag whose value names a YAML/JSON config file (`config`). */
  readonly fileFlag?: string;
}

/** The layers to resolve. */
export interface ConfigInputs {
  /** Parsed flag values (`parseFlags(...).values`). */
  readonly flags: FlagValues;
  /** The environment; only the variables the rows name are read; an empty value counts as unset. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** The config file's parsed content and its name for messages. */
  readonly file?: { readonly name: string; readonly content: unknown };
  /** Fields the mode computed from several flags at once (loadgen's schedule); rank as flags. */
  readonly derived?: Readonly<Record<string, unknown>>;
}

interface Origin {
  readonly row: FlagRow;
  /** `--flag` or the variable's name. */
  readonly name: string;
}

/** A partial config and, per dotted path it sets, the flag or variable that set it. */
interface Layer {
  readonly values: Record<string, unknown>;
  readonly origins: Map<string, Origin>;
}

/** Problems found while building the layers, and the paths they concern. */
interface Problems {
  readonly lines: string[];
  readonly paths: Set<string>;
}

const FAILED = Symbol("failed");

function newLayer(): Layer {
  return { values: {}, origins: new Map() };
}

/** The variable a row reads, if any. */
function envOf(spec: Pick<ConfigSpec<z.ZodType>, "envPrefix">, row: FlagRow) {
  if (row.path === undefined) return undefined;
  if (row.env !== undefined) return row.env;
  return spec.envPrefix === undefined ? undefined : prefixedEnv(spec.envPrefix, row.flag);
}

function readText(row: FlagRow, text: string, what: string, out: Problems): unknown {
  if (!row.read) return text;
  try {
    return row.read(text, what);
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    out.lines.push(err.message);
    out.paths.add(row.path!);
    return FAILED;
  }
}

function switchFromText(row: FlagRow, text: string, what: string, out: Problems): unknown {
  const on = readBoolean(text, { loose: true });
  if (on === undefined) {
    out.lines.push(`${what}: expected true or false (got ${JSON.stringify(text)})`);
    out.paths.add(row.path!);
    return FAILED;
  }
  const sets = row.sets ?? true;
  return on ? sets : typeof sets === "boolean" ? !sets : undefined;
}

function envLayer(
  spec: ConfigSpec<z.ZodType>,
  env: Readonly<Record<string, string | undefined>>,
  out: Problems,
): Layer {
  const layer = newLayer();
  for (const row of spec.flags) {
    const name = envOf(spec, row);
    const text = name === undefined ? undefined : env[name];
    if (name === undefined || text === undefined || text === "") continue;
    const value = row.kind === "switch"
      ? switchFromText(row, text, name, out)
      : readText(row, text, name, out);
    if (value === FAILED || value === undefined) continue;
    setPath(layer.values, row.path!, value);
    layer.origins.set(row.path!, { row, name });
  }
  return layer;
}

function flagValue(row: FlagRow, raw: string | boolean | string[], out: Problems): unknown {
  const what = `--${row.flag}`;
  if (row.kind === "switch") return row.sets ?? true;
  if (Array.isArray(raw)) {
    const items = raw.map((text) => readText(row, text, what, out));
    return items.includes(FAILED) ? FAILED : items;
  }
  return readText(row, String(raw), what, out);
}

function flagLayer(rows: readonly FlagRow[], flags: FlagValues, out: Problems): Layer {
  const layer = newLayer();
  const given = new Map<string, string>();
  for (const row of rows) {
    const raw = flags[row.flag];
    if (row.path === undefined || raw === undefined || raw === false) continue;
    const first = given.get(row.path);
    if (first !== undefined) {
      out.lines.push(`--${first} and --${row.flag} cannot be combined`);
      out.paths.add(row.path);
      continue;
    }
    given.set(row.path, row.flag);
    const value = flagValue(row, raw, out);
    if (value === FAILED) continue;
    setPath(layer.values, row.path, value);
    layer.origins.set(row.path, { row, name: `--${row.flag}` });
  }
  return layer;
}

function fileValues(file: ConfigInputs["file"], out: Problems): unknown {
  const content = file?.content ?? {};
  if (content !== null && typeof content === "object" && !Array.isArray(content)) return content;
  out.lines.push(`${file!.name}: must hold a mapping of settings (got ${JSON.stringify(content)})`);
  return {};
}

function describe(
  issue: ZodIssue,
  input: unknown,
  spec: ConfigSpec<z.ZodType>,
  context: { readonly layers: readonly Layer[]; readonly fileName: string | undefined },
): string {
  const path = issue.path.map(String);
  const own = (o: Origin, key: string) =>
    o.name.startsWith("--") && key === path.join(".") && o.row.path === camelCase(o.row.flag);
  for (let n = path.length; n > 0; n--) {
    const key = path.slice(0, n).join(".");
    for (const layer of context.layers) {
      const o = layer.origins.get(key);
      if (o) return describeIssue(issue, input, o.name, { withPath: !own(o, key) });
    }
  }
  const missing = issue.code === "invalid_type" && !lookupPath(input, issue.path).found;
  const row = missing ? spec.flags.find((r) => r.path === path.join(".")) : undefined;
  if (row) {
    const o = { row, name: `--${row.flag}` };
    return describeIssue(issue, input, o.name, { withPath: !own(o, path.join(".")) });
  }
  return describeIssue(issue, input, context.fileName ?? spec.source);
}

function concerns(issue: ZodIssue, paths: ReadonlySet<string>): boolean {
  const path = issue.path.map(String);
  return path.some((_, i) => paths.has(path.slice(0, i + 1).join(".")));
}

/**
 * Merges the file, the environment, derived fields and the flags (later wins) and validates the
 * result with the mode's schema.
 *
 * @returns the schema's output, frozen
 * @throws {ConfigError} with one line per problem, each naming its flag, variable or file field
 */
export function resolveConfig<S extends z.ZodType>(
  spec: ConfigSpec<S>,
  inputs: ConfigInputs,
): Readonly<z.output<S>> {
  const out: Problems = { lines: [], paths: new Set() };
  const file = fileValues(inputs.file, out);
  const env = envLayer(spec, inputs.env ?? {}, out);
  const flags = flagLayer(spec.flags, inputs.flags, out);
  const input = mergeLayers(file, env.values, inputs.derived ?? {}, flags.values);
  const result = spec.schema.safeParse(input);
  const context = { layers: [flags, env], fileName: inputs.file?.name };
  for (const issue of result.success ? [] : result.error.issues) {
    if (!concerns(issue, out.paths)) out.lines.push(describe(issue, input, spec, context));
  }
  if (out.lines.length > 0 || !result.success) throw new ConfigError(out.lines);
  return Object.freeze(result.data);
}
