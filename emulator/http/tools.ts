/**
 * Tool calls and structured answers: whether a chat choice calls a tool (`tool_choice` none,
 * auto, required or a named function), which one, and arguments generated to match the tool's
 * JSON Schema; and the JSON answer of a `response_format` request.
 *
 * @module
 */
import type { Rng } from "../../src/core/util/rng.ts";
import { type ChoiceContent, splitPieces, toolCallContent, type ToolCallPlan } from "./content.ts";
import { HttpProblem } from "./errors.ts";
import { generateFromSchema } from "./json_gen.ts";

/** A function tool as declared by a request (chat or responses shape, normalised). */
export interface ToolSpec {
  readonly name: string;
  readonly parameters?: Readonly<Record<string, unknown>> | null | undefined;
}

/** `tool_choice`, normalised: a mode or the name of one function. */
export type ToolChoice = "none" | "auto" | "required" | { readonly name: string };

/** Checks `tool_choice` against `tools`; returns the effective choice (auto when tools exist). */
export function resolveToolChoice(
  tools: readonly ToolSpec[],
  choice: ToolChoice | undefined,
): ToolChoice {
  const effective = choice ?? (tools.length > 0 ? "auto" : "none");
  if (effective === "none" || effective === "auto") return effective;
  if (tools.length === 0) {
    throw new HttpProblem(
      400,
      `tool_choice: ${JSON.stringify(effective)} needs at least one tool in \`tools\``,
      "tool_choice",
    );
  }
  if (typeof effective === "object" && !tools.some((t) => t.name === effective.name)) {
    throw new HttpProblem(
      400,
      `tool_choice: function '${effective.name}' is not among the tools (${
        tools.map((t) => t.name).join(", ")
      })`,
      "tool_choice",
    );
  }
  return effective;
}

/** What tool planning needs. */
export interface ToolContext {
  readonly rng: Rng;
  /** Share of `auto` choices that call a tool. */
  readonly autoCallRate01: number;
}

function hexId(rng: Rng): string {
  let s = "";
  for (let i = 0; i < 4; i++) s += rng.int(0, 0xffff).toString(16).padStart(4, "0");
  return s;
}

/**
 * The tool call of one choice, or undefined when it answers with text. One call per choice: the
 * named function, or one of the tools at random.
 */
export function planToolCall(
  tools: readonly ToolSpec[],
  choice: ToolChoice,
  ctx: ToolContext,
): ToolCallPlan | undefined {
  if (choice === "none" || tools.length === 0) return undefined;
  if (choice === "auto" && ctx.rng.next() >= ctx.autoCallRate01) return undefined;
  const tool = typeof choice === "object"
    ? tools.find((t) => t.name === choice.name)!
    : tools[ctx.rng.int(0, tools.length - 1)]!;
  const schema = tool.parameters ?? { type: "object", properties: {} };
  return {
    id: `chatcmpl-tool-${hexId(ctx.rng)}`,
    name: tool.name,
    arguments: JSON.stringify(generateFromSchema(schema, ctx.rng)),
  };
}

/** Content for a choice that calls `call`. */
export function toolContent(textStart: number, call: ToolCallPlan): ChoiceContent {
  return toolCallContent(textStart, [call]);
}

/** Content of a JSON answer: generated from `schema`, or a small object for `json_object`. */
export function jsonContent(
  textStart: number,
  schema: Readonly<Record<string, unknown>> | undefined,
  rng: Rng,
): ChoiceContent {
  const value = schema ? generateFromSchema(schema, rng) : generateFromSchema({
    type: "object",
    properties: { answer: { type: "string" }, confidence: { type: "number", maximum: 1 } },
    required: ["answer", "confidence"],
  }, rng);
  const pieces = splitPieces(JSON.stringify(value));
  return { textStart, pieces: pieces.length > 0 ? pieces : ["{}"] };
}
