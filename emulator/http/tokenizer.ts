/**
 * Token ids for the emulator's approximate tokenizer (emulator/http/tokens.ts counts the same
 * tokens): `/tokenize`, `/detokenize` and the block hashes of the prefix cache use these ids.
 *
 * - Text is cut into chunks of 4 Unicode code points. A chunk of ASCII characters (1–127) gets
 *   an id that encodes it exactly (`ASCII_BASE` + 7 bits per character), so it decodes back; any
 *   other chunk gets a 29-bit hash at `HASH_BASE` and decodes as U+FFFD.
 * - Ids 0…N−1 decode to the words of the output vocabulary (emulator/http/vocab.ts).
 * - A chat prompt is `<|im_start|>role\n … <|im_end|>` per message and `<|im_start|>assistant\n`
 *   at the end: 4 template tokens per message and 3 for the primer.
 *
 * @module
 */
import { CHARS_PER_TOKEN } from "./tokens.ts";
import { VOCAB } from "./vocab.ts";

/** First id of the chat template tokens. */
export const TEMPLATE_BASE = 100;
/** First id of exactly-encoded ASCII chunks. */
export const ASCII_BASE = 1 << 20;
/** First id of hashed (non-ASCII) chunks. */
export const HASH_BASE = 1 << 29;
/** Largest valid id + 1. */
export const VOCAB_LIMIT = HASH_BASE * 2;

const ROLES = ["system", "user", "assistant", "tool", "developer", "function"] as const;
const IM_START = TEMPLATE_BASE, IM_END = TEMPLATE_BASE + 1, NEWLINE = TEMPLATE_BASE + 2;
const ROLE_BASE = TEMPLATE_BASE + 10;

function chunkId(chunk: string): number {
  if (chunk.length <= CHARS_PER_TOKEN) {
    let packed = 0, ascii = true;
    for (let i = chunk.length - 1; i >= 0; i--) {
      const c = chunk.charCodeAt(i);
      if (c < 1 || c > 127) {
        ascii = false;
        break;
      }
      packed = packed * 128 + c;
    }
    if (ascii) return ASCII_BASE + packed;
  }
  let h = 0x811c9dc5;
  for (let i = 0; i < chunk.length; i++) h = Math.imul(h ^ chunk.charCodeAt(i), 0x01000193);
  return HASH_BASE + ((h >>> 0) & (HASH_BASE - 1));
}

/** Appends the ids of `text` to `out` (one per 4 code points, rounded up). */
export function textTokenIds(text: string, out: number[] = []): number[] {
  let chunk = "", n = 0;
  for (const cp of text) {
    chunk += cp;
    if (++n === CHARS_PER_TOKEN) {
      out.push(chunkId(chunk));
      chunk = "";
      n = 0;
    }
  }
  if (n > 0) out.push(chunkId(chunk));
  return out;
}

/** A chat message as the tokenizer sees it. */
export interface TokenizableMessage {
  readonly role: string;
  readonly texts: readonly string[];
  readonly name?: string | undefined;
}

function roleId(role: string): number {
  const i = (ROLES as readonly string[]).indexOf(role);
  return ROLE_BASE + (i < 0 ? 1 : i);
}

/** The ids of a templated chat prompt (with the assistant primer when `primer`). */
export function chatTokenIds(messages: readonly TokenizableMessage[], primer = true): number[] {
  const out: number[] = [];
  for (const m of messages) {
    out.push(IM_START, roleId(m.role), NEWLINE);
    if (m.name) textTokenIds(m.name, out);
    for (const t of m.texts) textTokenIds(t, out);
    out.push(IM_END);
  }
  if (primer) out.push(IM_START, roleId("assistant"), NEWLINE);
  return out;
}

/** The text of one id (U+FFFD for a hashed chunk or an unknown id). */
export function tokenString(id: number): string {
  if (id >= 0 && id < VOCAB.length) return VOCAB[id]!;
  if (id === IM_START) return "<|im_start|>";
  if (id === IM_END) return "<|im_end|>";
  if (id === NEWLINE) return "\n";
  if (id >= ROLE_BASE && id < ROLE_BASE + ROLES.length) return ROLES[id - ROLE_BASE]!;
  if (id >= ASCII_BASE && id < HASH_BASE) {
    let packed = id - ASCII_BASE, s = "";
    while (packed > 0) {
      s += String.fromCharCode(packed % 128);
      packed = Math.floor(packed / 128);
    }
    return s;
  }
  return "\uFFFD";
}

/** The text of a list of ids. */
export function detokenize(ids: readonly number[]): string {
  let s = "";
  for (const id of ids) s += tokenString(id);
  return s;
}
