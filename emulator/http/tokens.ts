/**
 * Token counting without a tokenizer: a documented approximation, so no model files are
 * downloaded. One token per 4 characters (Unicode code points) of text, rounded up, at least one
 * for non-empty text. A chat prompt adds 4 tokens per message (role and separators) and 3 for the
 * assistant reply primer, the usual chat-template overhead. Token-id prompts count exactly.
 *
 * @module
 */

/** Characters per token assumed by {@linkcode countTextTokens}. */
export const CHARS_PER_TOKEN = 4;
/** Template tokens added per chat message. */
export const TOKENS_PER_MESSAGE = 4;
/** Template tokens added once per chat prompt (the assistant primer). */
export const TOKENS_PER_CHAT_PROMPT = 3;

/** Approximate token count of `text`. */
export function countTextTokens(text: string): number {
  if (text.length === 0) return 0;
  let chars = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0xdc00 || c > 0xdfff) chars++; // count a surrogate pair once
  }
  return Math.max(1, Math.ceil(chars / CHARS_PER_TOKEN));
}

/** A chat message reduced to what counts: its text parts and optional name. */
export interface CountableMessage {
  readonly texts: readonly string[];
  readonly name?: string | undefined;
}

/** Approximate prompt tokens of a chat request. */
export function countChatTokens(messages: readonly CountableMessage[]): number {
  let total = TOKENS_PER_CHAT_PROMPT;
  for (const m of messages) {
    total += TOKENS_PER_MESSAGE + (m.name ? countTextTokens(m.name) : 0);
    for (const t of m.texts) total += countTextTokens(t);
  }
  return total;
}
