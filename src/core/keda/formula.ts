/**
 * KEDA `scalingModifiers.formula` (an expr-lang expression over the triggers' raw values, by
 * trigger name), for the subset the llm-d overlays use: numbers, names, `let x = …;` bindings,
 * `+ - * / %`, comparisons, `&& || !`, `cond ? a : b`, `a ?? b` (nil-coalescing), and the
 * functions `max`, `min`, `abs`, `ceil`, `floor`, `round`. A name without a value is `nil`
 * (KEDA injects nil for a trigger that keeps failing). Parsed once, evaluated per HPA sync.
 *
 * @module
 */

/** A value inside a formula: a number, a boolean, or nil. */
export type FormulaValue = number | boolean | undefined;

/** A compiled formula: evaluates to a number for the given trigger values. */
export type Formula = (vars: Readonly<Record<string, number | undefined>>) => number;

type Env = Record<string, FormulaValue>;
type Node = (env: Env) => FormulaValue;

const FUNCS: Readonly<Record<string, (xs: number[]) => number>> = {
  max: (xs) => Math.max(...xs),
  min: (xs) => Math.min(...xs),
  abs: (xs) => Math.abs(xs[0]!),
  ceil: (xs) => Math.ceil(xs[0]!),
  floor: (xs) => Math.floor(xs[0]!),
  round: (xs) => Math.round(xs[0]!),
};

const TOKEN =
  /\s*(\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+|[A-Za-z_][A-Za-z0-9_]*|\?\?|&&|\|\||[=!<>]=|[-+*/%()?:,;<>!=])/y;

function tokenize(text: string): string[] {
  const out: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.length) {
    if (/^\s*$/.test(text.slice(TOKEN.lastIndex))) break;
    const at = TOKEN.lastIndex;
    const m = TOKEN.exec(text);
    if (!m) {
      throw new SyntaxError(
        `Cannot read the formula at character ${at + 1}: "${text.slice(at, at + 12)}"`,
      );
    }
    out.push(m[1]!);
  }
  return out;
}

function num(v: FormulaValue, what: string): number {
  if (typeof v === "number") return v;
  throw new TypeError(`Cannot evaluate the formula: ${what} is ${v === undefined ? "nil" : v}`);
}

const BINARY: ReadonlyArray<
  {
    readonly ops: readonly string[];
    readonly apply: (op: string, a: FormulaValue, b: FormulaValue) => FormulaValue;
  }
> = [
  { ops: ["??"], apply: (_o, a, b) => (a === undefined ? b : a) },
  { ops: ["||"], apply: (_o, a, b) => Boolean(a) || Boolean(b) },
  { ops: ["&&"], apply: (_o, a, b) => Boolean(a) && Boolean(b) },
  { ops: ["==", "!="], apply: (o, a, b) => (o === "==") === (a === b) },
  {
    ops: ["<", "<=", ">", ">="],
    apply: (o, a, b) => {
      const x = num(a, "a comparison operand"), y = num(b, "a comparison operand");
      return o === "<" ? x < y : o === "<=" ? x <= y : o === ">" ? x > y : x >= y;
    },
  },
  {
    ops: ["+", "-"],
    apply: (
      o,
      a,
      b,
    ) => (o === "+"
      ? num(a, "an operand") + num(b, "an operand")
      : num(a, "an operand") - num(b, "an operand")),
  },
  {
    ops: ["*", "/", "%"],
    apply: (o, a, b) => {
      const x = num(a, "an operand"), y = num(b, "an operand");
      return o === "*" ? x * y : o === "/" ? x / y : x % y;
    },
  },
];

class Parser {
  #i = 0;
  constructor(readonly tokens: readonly string[]) {}
  peek(): string | undefined {
    return this.tokens[this.#i];
  }
  next(): string {
    const t = this.tokens[this.#i++];
    if (t === undefined) throw new SyntaxError("Cannot parse the formula: it ends too early");
    return t;
  }
  expect(t: string): void {
    const got = this.next();
    if (got !== t) throw new SyntaxError(`Cannot parse the formula: expected "${t}", got "${got}"`);
  }
  done(): boolean {
    return this.#i >= this.tokens.length;
  }
  program(): Node {
    if (this.peek() !== "let") return this.ternary();
    this.next();
    const name = this.next();
    this.expect("=");
    const value = this.ternary();
    this.expect(";");
    const rest = this.program();
    return (env) => rest({ ...env, [name]: value(env) });
  }
  ternary(): Node {
    const cond = this.binary(0);
    if (this.peek() !== "?") return cond;
    this.next();
    const a = this.ternary();
    this.expect(":");
    const b = this.ternary();
    return (env) => (cond(env) ? a(env) : b(env));
  }
  binary(level: number): Node {
    if (level >= BINARY.length) return this.unary();
    let left = this.binary(level + 1);
    const { ops, apply } = BINARY[level]!;
    while (ops.includes(this.peek() ?? "")) {
      const op = this.next();
      const l = left, r = this.binary(level + 1);
      left = (env) => apply(op, l(env), r(env));
    }
    return left;
  }
  unary(): Node {
    const t = this.peek();
    if (t === "-" || t === "!") {
      this.next();
      const inner = this.unary();
      return t === "-" ? (env) => -num(inner(env), "a negated value") : (env) => !inner(env);
    }
    return this.primary();
  }
  primary(): Node {
    const t = this.next();
    if (t === "(") {
      const inner = this.ternary();
      this.expect(")");
      return inner;
    }
    if (/^[\d.]/.test(t)) {
      const v = Number(t);
      return () => v;
    }
    if (t === "nil") return () => undefined;
    if (t === "true" || t === "false") return () => t === "true";
    if (!/^[A-Za-z_]/.test(t)) throw new SyntaxError(`Cannot parse the formula at "${t}"`);
    if (this.peek() !== "(") return (env) => env[t];
    const fn = FUNCS[t];
    if (!fn) throw new SyntaxError(`Cannot parse the formula: unknown function ${t}()`);
    this.next();
    const args: Node[] = [];
    while (this.peek() !== ")") {
      args.push(this.ternary());
      if (this.peek() === ",") this.next();
    }
    this.next();
    return (env) => fn(args.map((a) => num(a(env), `an argument of ${t}()`)));
  }
}

/**
 * Compiles a formula.
 *
 * @throws {SyntaxError} naming what could not be read
 * @example
 * ```ts
 * import { compileFormula } from "./formula.ts";
 * const f = compileFormula("let d = max(queue / 1, running / 16); d <= replicas ? d : max(d - (pending ?? 0), replicas)");
 * if (f({ queue: 6, running: 32, replicas: 2, pending: undefined }) !== 6) throw new Error("bad");
 * ```
 */
export function compileFormula(text: string): Formula {
  const p = new Parser(tokenize(text));
  const root = p.program();
  if (!p.done()) throw new SyntaxError(`Cannot parse the formula: unexpected "${p.peek()}"`);
  return (vars) => num(root({ ...vars }), "the result");
}
