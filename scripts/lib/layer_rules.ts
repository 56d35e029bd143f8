/**
 * The layer rules of the source tree (docs/architecture.md), as data plus two pure functions:
 * {@linkcode layerOf} says which layer a repository path belongs to, {@linkcode importProblem}
 * says what is wrong with one import (or nothing). `scripts/check_structure.ts` applies them to
 * the real import graph in `deno task ok`.
 *
 * | layer | paths | may import |
 * |---|---|---|
 * | core | `src/core/**`, `emulator/engine/**` | core; npm `zod` and `yaml` (pure parsers) |
 * | runtime | `src/runtime/**` | core, runtime; any npm or `node:` module |
 * | emulator | `emulator/**` (the server) | core, runtime, emulator |
 * | adapter | `src/adapters/<name>/**` | core, runtime, emulator, the same adapter |
 * | mode | `src/modes/<name>/**` | core, runtime, emulator, adapters, the same mode |
 * | entry | `main.ts` | runtime, modes |
 *
 * @module
 */

/** The layers, bottom to top. */
export type Layer = "core" | "runtime" | "emulator" | "adapter" | "mode" | "entry";

/** Where a path sits: its layer and, for adapters and modes, which one. */
export interface Place {
  readonly layer: Layer;
  readonly unit: string;
}

/** npm packages the pure core may import (pure computation, no I/O). */
export const CORE_NPM: readonly string[] = ["zod", "yaml"];

/** The layer of a repository-relative path, or `undefined` outside the checked tree. */
export function layerOf(path: string): Place | undefined {
  if (path === "main.ts") return { layer: "entry", unit: "main" };
  if (path.startsWith("emulator/engine/")) return { layer: "core", unit: "emulator-engine" };
  if (path.startsWith("emulator/")) return { layer: "emulator", unit: "emulator" };
  const m = /^src\/(core|runtime|adapters|modes)\/(?:([^/]+)\/)?/.exec(path);
  if (!m) return undefined;
  const unit = m[2] ?? "";
  switch (m[1]) {
    case "core":
      return { layer: "core", unit };
    case "runtime":
      return { layer: "runtime", unit };
    case "adapters":
      return { layer: "adapter", unit };
    default:
      return { layer: "mode", unit };
  }
}

const ALLOWED: Readonly<Record<Layer, readonly Layer[]>> = {
  core: ["core"],
  runtime: ["core", "runtime"],
  emulator: ["core", "runtime", "emulator"],
  adapter: ["core", "runtime", "emulator", "adapter"],
  mode: ["core", "runtime", "emulator", "adapter", "mode"],
  entry: ["runtime", "mode"],
};

/**
 * What is wrong with `from` importing `target`: `target` is a repository-relative path for a
 * local module, or the bare specifier (`npm:x`, `node:x`, an import-map name) otherwise.
 * Returns `undefined` when the import is allowed.
 */
export function importProblem(from: string, target: string, local: boolean): string | undefined {
  const src = layerOf(from);
  if (!src) return undefined;
  if (!local) return externalProblem(src, target);
  const dst = layerOf(target);
  if (!dst) return `${src.layer} imports ${target}, which is outside the layered tree`;
  if (!ALLOWED[src.layer].includes(dst.layer)) {
    return `${src.layer} may not import ${dst.layer} (${target})`;
  }
  if (src.layer === dst.layer && (src.layer === "adapter" || src.layer === "mode")) {
    if (src.unit !== dst.unit) {
      return `${src.layer} '${src.unit}' may not import another ${src.layer} '${dst.unit}' (${target})`;
    }
  }
  return undefined;
}

function externalProblem(src: Place, specifier: string): string | undefined {
  if (src.layer !== "core") return undefined;
  const name = specifier.replace(/^npm:/, "").replace(/@[^/]*$/, "").split("/")[0] ?? "";
  if (CORE_NPM.includes(name)) return undefined;
  return `core may not import ${specifier} (only ${
    CORE_NPM.join(", ")
  }; I/O belongs in runtime or adapters)`;
}
