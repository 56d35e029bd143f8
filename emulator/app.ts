/**
 * The emulator's HTTP surface as a Hono app that never listens: vLLM's OpenAI-compatible routes,
 * health and readiness, `/metrics`, and the admin API. `startEmulator` serves it with
 * `Deno.serve`; tests can call `app.request()` directly.
 *
 * @module
 */
import { Hono } from "hono";
import { type Logger, NULL_LOGGER } from "../src/runtime/log.ts";
import type { Clock } from "../src/runtime/clock.ts";
import { AdminPatchSchema, type EmulatorOptions, resolveEmulatorConfig } from "./config.ts";
import { EmulatorCore } from "./core.ts";
import { errorResponse } from "./http/errors.ts";
import { handleGenerate } from "./http/generate.ts";
import { describeIssues } from "./http/schemas.ts";
import { preciseClock } from "./precise_clock.ts";

/** Version reported by `/version`. */
export const EMULATOR_VERSION = "wva-emulator 0.1.0";

/** Either a ready core, or options (and runtime) to build one. */
export type EmulatorAppDeps =
  | { readonly core: EmulatorCore }
  | {
    readonly options?: EmulatorOptions;
    readonly clock?: Clock;
    readonly logger?: Logger;
  };

/** Builds the app; pass `{ core }` to share a core with a server, or options for a new one. */
export function createEmulatorApp(deps: EmulatorAppDeps = {}): Hono {
  const core = "core" in deps ? deps.core : new EmulatorCore(
    resolveEmulatorConfig(deps.options ?? {}),
    { clock: deps.clock ?? preciseClock, logger: deps.logger ?? NULL_LOGGER },
  );
  const app = new Hono();
  const cfg = core.config;

  app.post("/v1/chat/completions", (c) => handleGenerate(core, "chat", c.req.raw));
  app.post("/v1/completions", (c) => handleGenerate(core, "completion", c.req.raw));
  app.get("/v1/models", (c) => {
    if (!core.ready && !core.draining) return errorResponse(503, "The model is still loading.");
    return c.json({
      object: "list",
      data: [{
        id: cfg.model,
        object: "model",
        created: Math.floor(core.clock.nowMs() / 1000),
        owned_by: "vllm",
        root: cfg.model,
        parent: null,
        max_model_len: cfg.maxModelLen,
        permission: [],
      }],
    });
  });
  app.get("/health", (c) => c.body(null, 200));
  app.get("/health/ready", (c) => {
    if (core.ready) return c.json({ status: "ready" }, 200);
    return c.json({ status: core.draining ? "draining" : "loading" }, 503);
  });
  app.get("/version", (c) => c.json({ version: EMULATOR_VERSION }));
  app.get("/metrics", () => {
    return new Response(core.metrics.text(), {
      headers: { "content-type": core.metrics.contentType },
    });
  });
  app.get("/admin/config", (c) => c.json(adminView(core)));
  const patch = async (c: { req: { raw: Request } }) => {
    let raw: unknown;
    try {
      raw = await c.req.raw.json();
    } catch {
      return errorResponse(400, "Request body is not valid JSON.");
    }
    const parsed = AdminPatchSchema.safeParse(raw);
    if (!parsed.success) {
      const { message, param } = describeIssues(parsed.error);
      return errorResponse(400, `Invalid settings: ${message}`, { param });
    }
    core.applyPatch(parsed.data);
    return Response.json(adminView(core));
  };
  app.patch("/admin/config", patch);
  app.post("/admin/config", patch);
  app.get(
    "/admin/state",
    (c) => c.json({ ready: core.ready, draining: core.draining, ...core.stats() }),
  );
  app.notFound(() => Response.json({ detail: "Not Found" }, { status: 404 }));
  app.onError((err) => {
    core.logger.error("emulator-request-failed", { error: err });
    return errorResponse(500, "Internal error in the emulator.");
  });
  return app;
}

function adminView(core: EmulatorCore): Record<string, unknown> {
  const c = core.config;
  return {
    ...core.settings,
    readOnly: {
      model: c.model,
      preset: c.preset,
      maxModelLen: c.maxModelLen,
      kvCacheBlocks: c.kvCacheBlocks,
      blockSize: c.blockSize,
      preemption: c.preemption,
      seed: c.seed,
    },
  };
}
