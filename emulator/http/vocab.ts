/**
 * The generated text: token i of a choice is word `(start + i) mod N` of a fixed vocabulary, so
 * a response needs no per-token randomness and its text can be rebuilt from its length alone.
 *
 * @module
 */

const WORDS: readonly string[] = (
  "the model is an emulator of a large language server that answers with plain words so " +
  "tests and load generators can count tokens while the latency follows alpha plus beta " +
  "times batch for every decode step and gamma plus delta per prompt token for prefill"
).split(" ");

/** The vocabulary; every entry is one output token (a word with a leading space). */
export const VOCAB: readonly string[] = WORDS.map((w) => ` ${w}`);

/** JSON string literals of {@linkcode VOCAB}, precomputed for the streaming hot path. */
export const VOCAB_JSON: readonly string[] = VOCAB.map((w) => JSON.stringify(w));

/** Text of tokens [0, count) of a choice whose first word is `start`. */
export function tokenText(start: number, count: number): string {
  let out = "";
  for (let i = 0; i < count; i++) out += VOCAB[(start + i) % VOCAB.length];
  return out;
}

/** UTF-8 bytes of {@linkcode VOCAB_JSON}. */
export const VOCAB_JSON_BYTES: readonly Uint8Array[] = VOCAB_JSON.map((w) =>
  new TextEncoder().encode(w)
);
