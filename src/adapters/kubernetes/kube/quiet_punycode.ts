/**
 * Drops Node's `DEP0040` warning ("The `punycode` module is deprecated"), which client-node's
 * dependency chain (node-fetch → whatwg-url → tr46) triggers on import under Deno. It is a
 * stray non-JSON line on stderr of every wva mode that talks to Kubernetes, and nothing we can
 * act on. Only that one warning code is dropped. Import this module before client-node.
 *
 * @module
 */
import process from "node:process";

const emitWarning = process.emitWarning.bind(process);
process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
  const code = typeof rest[0] === "object" && rest[0] !== null
    ? (rest[0] as { code?: string }).code
    : rest[1];
  if (code === "DEP0040" || String(warning).includes("`punycode` module is deprecated")) return;
  (emitWarning as (w: string | Error, ...r: unknown[]) => void)(warning, ...rest);
}) as typeof process.emitWarning;
