/**
 * What a choice generates, token by token: words of the fixed vocabulary (the default), or the
 * pieces of a prepared text (tool-call arguments, a JSON answer). A piece is 4 code points, the
 * same size as a prompt token (emulator/http/tokens.ts), so output and usage agree.
 *
 * @module
 */
import { CHARS_PER_TOKEN } from "./tokens.ts";
import { VOCAB } from "./vocab.ts";

/** One tool call a choice makes. */
export interface ToolCallPlan {
  readonly id: string;
  readonly name: string;
  /** The complete arguments (JSON text). */
  readonly arguments: string;
}

/** The generated content of one choice. */
export interface ChoiceContent {
  /** First vocabulary word (when the content is vocabulary words). */
  readonly textStart: number;
  /** Token texts when the content is a prepared text instead of vocabulary words. */
  readonly pieces?: readonly string[];
  /** Tool calls, whose arguments are the pieces in order. */
  readonly toolCalls?: readonly ToolCallPlan[];
  /** For each piece, the tool call it belongs to. */
  readonly pieceCall?: readonly number[];
}

/** Cuts `text` into tokens of 4 code points. */
export function splitPieces(text: string): string[] {
  const out: string[] = [];
  let chunk = "", n = 0;
  for (const cp of text) {
    chunk += cp;
    if (++n === CHARS_PER_TOKEN) {
      out.push(chunk);
      chunk = "";
      n = 0;
    }
  }
  if (n > 0) out.push(chunk);
  return out;
}

/** The text of token `i`. */
export function tokenTextAt(c: ChoiceContent, i: number): string {
  return c.pieces ? c.pieces[i] ?? "" : VOCAB[(c.textStart + i) % VOCAB.length]!;
}

/** The text of the first `tokens` tokens (tool-call pieces excluded: they are not content). */
export function contentText(c: ChoiceContent, tokens: number): string {
  if (c.toolCalls) return "";
  let out = "";
  for (let i = 0; i < tokens; i++) out += tokenTextAt(c, i);
  return out;
}

/** The tool calls as far as the first `tokens` tokens got (arguments cut when truncated). */
export function toolCallsAt(c: ChoiceContent, tokens: number): ToolCallPlan[] {
  if (!c.toolCalls || !c.pieces || !c.pieceCall) return [];
  const args = c.toolCalls.map(() => "");
  const seen = c.toolCalls.map(() => false);
  for (let i = 0; i < Math.min(tokens, c.pieces.length); i++) {
    const k = c.pieceCall[i]!;
    args[k] += c.pieces[i]!;
    seen[k] = true;
  }
  return c.toolCalls.filter((_, k) => seen[k]).map((call) => ({
    ...call,
    arguments: args[c.toolCalls!.indexOf(call)]!,
  }));
}

/** The content of tool calls: pieces of every call's arguments, in order. */
export function toolCallContent(textStart: number, calls: readonly ToolCallPlan[]): ChoiceContent {
  const pieces: string[] = [], pieceCall: number[] = [];
  calls.forEach((call, k) => {
    const own = splitPieces(call.arguments);
    if (own.length === 0) own.push("");
    for (const p of own) {
      pieces.push(p);
      pieceCall.push(k);
    }
  });
  return { textStart, pieces, toolCalls: calls, pieceCall };
}
