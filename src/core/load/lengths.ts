/**
 * Token-length distributions for prompts and outputs: fixed, uniform or normal (clamped), drawn
 * from a seeded generator so a run is repeatable.
 *
 * Text forms (flags `--prompt-tokens`, `--output-tokens`):
 * `128` (fixed), `64..256` or `uniform:64:256` (uniform integers, both ends included),
 * `normal:128:32` (mean 128, sd 32, clamped to [1, mean + 4·sd]) or `normal:128:32:64:192`
 * (clamped to [64, 192]).
 *
 * @module
 */
import { z } from "zod";
import { readNumber } from "../util/coerce.ts";
import type { Rng } from "../util/rng.ts";
import { InputError } from "../util/validate.ts";

/** zod schema of a token-length distribution; every draw is an integer ≥ 1. */
export const LengthDistSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("fixed"), tokens: z.number().int().positive() }),
  z.object({
    kind: z.literal("uniform"),
    min: z.number().int().positive(),
    max: z.number().int().positive(),
  }),
  z.object({
    kind: z.literal("normal"),
    mean: z.number().nonnegative(),
    sd: z.number().nonnegative(),
    min: z.number().int().positive(),
    max: z.number().int().positive(),
  }),
]);

/** A token-length distribution: fixed, uniform (inclusive) or normal clamped to [min, max]. */
export type LengthDist = z.infer<typeof LengthDistSchema>;

function positiveInt(text: string, what: string, whole: string): number {
  const v = readNumber(text);
  if (v === undefined || !Number.isInteger(v) || v < 1) {
    throw new InputError(`${what}: "${text}" in "${whole}" must be a whole number ≥ 1`);
  }
  return v;
}

function nonNegative(text: string, what: string, whole: string): number {
  const v = readNumber(text);
  if (v === undefined || v < 0) {
    throw new InputError(`${what}: "${text}" in "${whole}" must be a number ≥ 0`);
  }
  return v;
}

function uniform(minText: string, maxText: string, what: string, whole: string): LengthDist {
  const min = positiveInt(minText, what, whole);
  const max = positiveInt(maxText, what, whole);
  if (max < min) throw new InputError(`${what}: "${whole}" has max < min`);
  return { kind: "uniform", min, max };
}

function normal(args: readonly string[], what: string, whole: string): LengthDist {
  if (args.length !== 2 && args.length !== 4) {
    throw new InputError(
      `${what}: "${whole}" must be normal:MEAN:SD or normal:MEAN:SD:MIN:MAX`,
    );
  }
  const mean = nonNegative(args[0]!, what, whole);
  const sd = nonNegative(args[1]!, what, whole);
  const min = args.length === 4 ? positiveInt(args[2]!, what, whole) : 1;
  const max = args.length === 4
    ? positiveInt(args[3]!, what, whole)
    : Math.max(1, Math.ceil(mean + 4 * sd));
  if (max < min) throw new InputError(`${what}: "${whole}" has max < min`);
  return { kind: "normal", mean, sd, min, max };
}

/**
 * Parses a length distribution.
 *
 * @throws {InputError} naming the flag and the bad text
 * @example
 * ```ts
 * import { parseLengthSpec } from "./lengths.ts";
 * const d = parseLengthSpec("64..256", "--prompt-tokens");
 * if (d.kind !== "uniform" || d.max !== 256) throw new Error("bad");
 * ```
 */
export function parseLengthSpec(text: string, what: string): LengthDist {
  const t = text.trim();
  if (t.includes("..")) {
    const [a, b, ...rest] = t.split("..");
    if (rest.length) throw new InputError(`${what}: cannot read "${text}"`);
    return uniform(a!, b!, what, text);
  }
  const [kind, ...args] = t.split(":");
  if (args.length === 0) return { kind: "fixed", tokens: positiveInt(t, what, text) };
  if (kind === "fixed" && args.length === 1) {
    return { kind: "fixed", tokens: positiveInt(args[0]!, what, text) };
  }
  if (kind === "uniform" && args.length === 2) return uniform(args[0]!, args[1]!, what, text);
  if (kind === "normal") return normal(args, what, text);
  throw new InputError(
    `${what}: cannot read "${text}" (use 128, 64..256, uniform:64:256 or normal:128:32)`,
  );
}

/** Draws one length (integer ≥ 1). `fixed` does not consume randomness. */
export function sampleLength(dist: LengthDist, rng: Rng): number {
  switch (dist.kind) {
    case "fixed":
      return dist.tokens;
    case "uniform":
      return rng.int(dist.min, dist.max);
    case "normal": {
      const v = Math.round(rng.normal(dist.mean, dist.sd));
      return Math.min(dist.max, Math.max(dist.min, v));
    }
  }
}

/** A short description of the distribution, for the summary and the report. */
export function describeLength(dist: LengthDist): string {
  switch (dist.kind) {
    case "fixed":
      return `${dist.tokens}`;
    case "uniform":
      return `uniform ${dist.min}..${dist.max}`;
    case "normal":
      return `normal mean ${dist.mean} sd ${dist.sd} in ${dist.min}..${dist.max}`;
  }
}
