/**
 * What the structure check reads from one TypeScript file, through the TypeScript parser (so
 * comments, strings and doc examples never count): the module specifiers it imports (static,
 * type-only, re-exports and dynamic `import("…")`), the line span of every function, and every use
 * of the clock, unseeded randomness, timers or I/O globals.
 *
 * @module
 */
import ts from "typescript";

/** One import of a module: the specifier as written and its 1-based line. */
export interface ImportRef {
  readonly specifier: string;
  readonly line: number;
}

/** A function-like node whose body spans `lines` source lines. */
export interface FunctionSpan {
  readonly name: string;
  readonly line: number;
  readonly lines: number;
}

/** A forbidden global in pure code. */
export interface ImpureUse {
  readonly line: number;
  readonly why: string;
}

/** Everything the structure check needs from one file. */
export interface FileScan {
  readonly imports: readonly ImportRef[];
  readonly functions: readonly FunctionSpan[];
  readonly impure: readonly ImpureUse[];
}

/** Parses `text` (a `.ts` file's contents) once and collects imports, function spans and impure uses. */
export function scanSource(path: string, text: string): FileScan {
  const sf = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const lineOf = (pos: number) => sf.getLineAndCharacterOfPosition(pos).line + 1;
  const imports: ImportRef[] = [];
  const functions: FunctionSpan[] = [];
  const impure: ImpureUse[] = [];
  const visit = (node: ts.Node): void => {
    const spec = moduleSpecifierOf(node);
    if (spec !== undefined) imports.push({ specifier: spec, line: lineOf(node.getStart(sf)) });
    const fn = functionSpanOf(node, sf, lineOf);
    if (fn) functions.push(fn);
    const why = impureReason(node);
    if (why) impure.push({ line: lineOf(node.getStart(sf)), why });
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return { imports, functions, impure };
}

function moduleSpecifierOf(node: ts.Node): string | undefined {
  if (
    (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier &&
    ts.isStringLiteral(node.moduleSpecifier)
  ) return node.moduleSpecifier.text;
  if (
    ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword &&
    node.arguments[0] && ts.isStringLiteralLike(node.arguments[0])
  ) return node.arguments[0].text;
  if (
    ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) &&
    ts.isStringLiteral(node.argument.literal)
  ) return node.argument.literal.text;
  return undefined;
}

function functionSpanOf(
  node: ts.Node,
  sf: ts.SourceFile,
  lineOf: (pos: number) => number,
): FunctionSpan | undefined {
  if (!ts.isFunctionLike(node) || !("body" in node) || !node.body) return undefined;
  const line = lineOf(node.getStart(sf));
  return { name: functionName(node), line, lines: lineOf(node.end) - line + 1 };
}

function functionName(node: ts.SignatureDeclaration): string {
  if (node.name) return node.name.getText();
  const parent = node.parent;
  if (parent && ts.isVariableDeclaration(parent)) return parent.name.getText();
  if (parent && ts.isPropertyAssignment(parent)) return parent.name.getText();
  return "(anonymous)";
}

const IMPURE_GLOBALS: Readonly<Record<string, string>> = {
  Deno: "Deno API (I/O) in pure code",
  fetch: "network I/O in pure code",
  setTimeout: "timers; take a Clock in the shell instead",
  setInterval: "timers; take a Clock in the shell instead",
  performance: "wall clock; take nowMs as a parameter",
};

function impureReason(node: ts.Node): string | undefined {
  if (ts.isIdentifier(node) && IMPURE_GLOBALS[node.text] && isFreeReference(node)) {
    return IMPURE_GLOBALS[node.text];
  }
  if (ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.expression)) {
    const obj = node.expression.text, prop = node.name.text;
    if (obj === "Date" && prop === "now") return "wall clock; take nowMs as a parameter";
    if (obj === "Math" && prop === "random") return "unseeded randomness; take an Rng";
  }
  if (
    ts.isNewExpression(node) && ts.isIdentifier(node.expression) &&
    node.expression.text === "Date" &&
    (node.arguments?.length ?? 0) === 0
  ) return "wall clock; take nowMs as a parameter";
  return undefined;
}

/** A use of a global name, not a property name, declaration or type position of the same text. */
function isFreeReference(id: ts.Identifier): boolean {
  const p = id.parent;
  if (!p) return false;
  if (ts.isPropertyAccessExpression(p) && p.name === id) return false;
  if (
    (ts.isPropertyAssignment(p) || ts.isPropertySignature(p) || ts.isMethodDeclaration(p)) &&
    p.name === id
  ) {
    return false;
  }
  if (ts.isVariableDeclaration(p) || ts.isParameter(p) || ts.isFunctionDeclaration(p)) {
    return p.name !== id;
  }
  if (ts.isImportSpecifier(p) || ts.isExportSpecifier(p) || ts.isTypeReferenceNode(p)) return false;
  if (ts.isQualifiedName(p)) return false;
  return true;
}
