/**
 * The shared machinery of the controller's ConfigMap parsers: each data key is one entry (YAML
 * or JSON text), parsed on its own. An invalid entry is reported as a {@linkcode ConfigProblem}
 * and the entry's last good value (from the previous parse) is kept; every other entry applies.
 * A key that is absent is simply gone (deleting a key or the ConfigMap reverts to defaults).
 *
 * @module
 */
import type { z } from "zod";
import { parse as parseYaml } from "yaml";
import { formatPath, lookupPath } from "../../util/validate.ts";

/**
 * What happened: `last-good`/`default`/`ignored` for an invalid entry; `field-ignored` for a key
 * the entry may not carry (unknown, or WVA's and not used here): the key is dropped with a
 * warning and the rest of the entry applies.
 */
export type ProblemFallback = "last-good" | "default" | "ignored" | "field-ignored";

/** One problem in one ConfigMap entry, for an Event and a log line. */
export interface ConfigProblem {
  /** The data key of the entry, e.g. `default` or `premium.yaml`. */
  readonly key: string;
  /** Field path inside the entry (`kvCacheThreshold`, `data[1].slo-ttft`), or `(root)`. */
  readonly field: string;
  /** The offending value; undefined when the field is missing. */
  readonly value: unknown;
  readonly message: string;
  /** `last-good`: the previous value of the entry is kept; `default`: the built-in default
   * applies; `ignored`: the entry has no effect; `field-ignored`: only this field is dropped. */
  readonly fallback: ProblemFallback;
}

/** Output of every `parse…` function: the config to use and what was wrong. */
export interface ParseResult<C> {
  readonly config: C;
  readonly problems: readonly ConfigProblem[];
}

/** A problem before the parser knows its key and fallback. */
export type EntryIssue = Omit<ConfigProblem, "key" | "fallback">;

/** Result of parsing one entry (`warnings`: fields dropped while the entry applies). */
export type EntryResult<E> =
  | { readonly ok: true; readonly entry: E; readonly warnings?: readonly EntryIssue[] }
  | { readonly ok: false; readonly issues: readonly EntryIssue[] };

/** ConfigMap `data` (string values); `undefined` when the ConfigMap does not exist. */
export type ConfigMapData = Readonly<Record<string, string>> | undefined;

/**
 * Parses every key of `data` except `skip` with `parseEntry`, in sorted key order. An invalid
 * entry keeps `lastGood[key]` when there is one (fallback `last-good`), else it is dropped
 * (fallback `ignored`).
 */
export function parseEntries<E>(
  data: ConfigMapData,
  lastGood: Readonly<Record<string, E>> | undefined,
  options: {
    readonly parseEntry: (key: string, text: string) => EntryResult<E>;
    readonly skip?: readonly string[];
  },
): { entries: Record<string, E>; problems: ConfigProblem[] } {
  const entries: Record<string, E> = {};
  const problems: ConfigProblem[] = [];
  for (const key of Object.keys(data ?? {}).sort()) {
    if (options.skip?.includes(key)) continue;
    const r = options.parseEntry(key, data?.[key] ?? "");
    if (r.ok) {
      entries[key] = r.entry;
      for (const w of r.warnings ?? []) problems.push({ key, fallback: "field-ignored", ...w });
      continue;
    }
    const previous = lastGood?.[key];
    if (previous !== undefined) entries[key] = previous;
    const fallback: ProblemFallback = previous !== undefined ? "last-good" : "ignored";
    for (const issue of r.issues) problems.push({ key, fallback, ...issue });
  }
  return { entries, problems };
}

/** Parses an entry's YAML/JSON text and validates it with `schema`. */
export function parseEntryText<S extends z.ZodType>(
  text: string,
  schema: S,
): EntryResult<z.infer<S>> {
  let input: unknown;
  try {
    input = parseYaml(text);
  } catch (err) {
    const message = `not valid YAML/JSON: ${(err as Error).message.split("\n")[0]}`;
    return { ok: false, issues: [{ field: "(root)", value: clip(text), message }] };
  }
  return validateEntry(input, schema);
}

/** How {@linkcode parseLenientEntryText} reads an entry. */
export interface LenientOptions {
  /** The keys the schema validates (after renaming). */
  readonly known: readonly string[];
  /** Other spellings of known keys (WVA's), e.g. `{ model_id: "modelID" }`; the known one wins. */
  readonly aliases?: Readonly<Record<string, string>>;
  /** Keys set aside as written (e.g. WVA's analyzer selection) instead of validated. */
  readonly keep?: readonly string[];
}

/** A leniently read entry: the validated value and the keys set aside. */
export interface LenientEntry<T> {
  readonly value: T;
  readonly kept: Readonly<Record<string, unknown>>;
}

/**
 * Parses an entry's YAML/JSON text like {@linkcode parseEntryText}, but an unknown key is a
 * warning, never the loss of the entry: aliases are renamed, `keep` keys set aside, every other
 * unknown key dropped with a warning, and the rest validated by `schema`.
 */
export function parseLenientEntryText<S extends z.ZodType>(
  text: string,
  schema: S,
  options: LenientOptions,
): EntryResult<LenientEntry<z.infer<S>>> {
  let input: unknown;
  try {
    input = parseYaml(text);
  } catch (err) {
    const message = `not valid YAML/JSON: ${(err as Error).message.split("\n")[0]}`;
    return { ok: false, issues: [{ field: "(root)", value: clip(text), message }] };
  }
  if (input === null || typeof input !== "object" || Array.isArray(input)) {
    return validateEntry(input, schema) as EntryResult<LenientEntry<z.infer<S>>>;
  }
  const rest: Record<string, unknown> = {};
  const kept: Record<string, unknown> = {};
  const warnings: EntryIssue[] = [];
  for (const [k, v] of Object.entries(input)) {
    const name = options.aliases?.[k] ?? k;
    if (options.keep?.includes(k)) kept[k] = v;
    else if (!options.known.includes(name)) {
      warnings.push({ field: k, value: v, message: "unknown field: ignored, the entry applies" });
    } else if (!(name in rest) || name === k) rest[name] = v;
  }
  const r = validateEntry(rest, schema);
  if (!r.ok) return r;
  return { ok: true, entry: { value: r.entry, kept }, warnings };
}

/** Validates an already-parsed value; one issue per zod issue, naming the field and value. */
export function validateEntry<S extends z.ZodType>(
  input: unknown,
  schema: S,
): EntryResult<z.infer<S>> {
  const r = schema.safeParse(input);
  if (r.success) return { ok: true, entry: r.data };
  return {
    ok: false,
    issues: r.error.issues.flatMap((issue): EntryIssue[] => {
      const path = issue.path as PropertyKey[];
      if (issue.code === "unrecognized_keys") {
        return issue.keys.map((k) => ({
          field: formatPath([...path, k]),
          value: lookupPath(input, [...path, k]).value,
          message: "unknown field",
        }));
      }
      return [{
        field: formatPath(path),
        value: lookupPath(input, path).value,
        message: issue.message,
      }];
    }),
  };
}

function clip(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** True when an entry selects a model: same modelID, and same namespace when it names one. */
export function entryMatches(
  entry: { readonly modelID: string; readonly namespace?: string | undefined },
  model: { readonly modelId: string; readonly namespace: string },
): boolean {
  return entry.modelID === model.modelId &&
    (entry.namespace === undefined || entry.namespace === model.namespace);
}

/**
 * Picks the entry for a model: one naming the model's namespace wins over one without a
 * namespace; among equals the first key in sorted order wins.
 */
export function pickModelEntry<E extends { readonly modelID: string; readonly namespace?: string }>(
  entries: Readonly<Record<string, E>>,
  model: { readonly modelId: string; readonly namespace: string },
): E | undefined {
  let best: E | undefined;
  for (const key of Object.keys(entries).sort()) {
    const e = entries[key]!;
    if (!entryMatches(e, model)) continue;
    if (e.namespace !== undefined) return e;
    best ??= e;
  }
  return best;
}

/**
 * Reports entries whose `identity` an earlier key (sorted) already has: only the first one
 * applies, the others are dropped with fallback `ignored`. Returns the entries without them.
 *
 * @param options.problem the field, value and message of a repeat, given the key it repeats
 */
export function dropDuplicates<E>(
  entries: Readonly<Record<string, E>>,
  options: {
    readonly identity: (entry: E) => string;
    readonly problem: (entry: E, firstKey: string) => EntryIssue;
  },
): { entries: Record<string, E>; problems: ConfigProblem[] } {
  const seen = new Map<string, string>();
  const out: Record<string, E> = {};
  const problems: ConfigProblem[] = [];
  for (const key of Object.keys(entries).sort()) {
    const e = entries[key]!;
    const id = options.identity(e);
    const first = seen.get(id);
    if (first !== undefined) {
      problems.push({ key, ...options.problem(e, first), fallback: "ignored" });
      continue;
    }
    seen.set(id, key);
    out[key] = e;
  }
  return { entries: out, problems };
}

/**
 * Reports entries that select the same (modelID, namespace) as an earlier key: they would
 * never apply. Returns the entries without them.
 */
export function dropDuplicateModels<
  E extends { readonly modelID: string; readonly namespace?: string | undefined },
>(entries: Readonly<Record<string, E>>): { entries: Record<string, E>; problems: ConfigProblem[] } {
  return dropDuplicates(entries, {
    identity: (e) => `${e.modelID}\u0000${e.namespace ?? ""}`,
    problem: (e, first) => ({
      field: "modelID",
      value: e.modelID,
      message: `selects the same model${
        e.namespace ? ` and namespace` : ""
      } as key '${first}', which wins`,
    }),
  });
}
