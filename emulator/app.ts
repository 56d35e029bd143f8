/**
 * The emulator's HTTP surface as a Hono app that never listens: vLLM's OpenAI-compatible routes
 * (chat, completions, responses, models, tokenize), health and readiness, `/metrics`,
 * `/openapi.json`, LoRA adapter loading and the admin API. `startEmulator` serves it with
 * `Deno.serve`; tests can call `app.request()` directly.
 *
 * @module
 */
import { Hono } from "hono";
import { z } from "zod";
import { type Logger, NULL_LOGGER } from "../src/runtime/log.ts";
import type { Clock } from "../src/runtime/clock.ts";
import { AdminPatchSchema, type EmulatorOptions, resolveEmulatorConfig } from "./config.ts";
import { EmulatorCore } from "./core.ts";
import { readJsonBody } from "./http/body.ts";
import { errorResponse, HttpProblem } from "./http/errors.ts";
import { bodyLimits, handleGenerate, parseBody } from "./http/generate.ts";
import { openApiJson } from "./http/openapi.ts";
import { describeIssues } from "./http/schemas.ts";
import { handleDetokenize, handleTokenize } from "./http/tokenize.ts";
import { preciseClock } from "./precise_clock.ts";

/** Version of the emulator, reported by `/version` next to the emulated vLLM version. */
export const EMULATOR_VERSION = "wva-emulator 0.2.0";
/** The vLLM release whose API and metric names the emulator follows. */
export const EMULATED_VLLM_VERSION = "0.11.0";

/** Largest latency parameter the admin API accepts (ms): one hour. */
export const MAX_LATENCY_MS = 3_600_000;

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
  app.post("/v1/chat/completions", (c) => handleGenerate(core, "chat", c.req.raw));
  app.post("/v1/completions", (c) => handleGenerate(core, "completion", c.req.raw));
  app.post("/v1/responses", (c) => handleGenerate(core, "responses", c.req.raw));
  app.post("/tokenize", (c) => handleTokenize(core, c.req.raw));
  app.post("/detokenize", (c) => handleDetokenize(core, c.req.raw));
  app.get("/v1/models", () => modelList(core));
  addOpsRoutes(app, core);
  addLoraRoutes(app, core);
  addAdminRoutes(app, core);
  app.notFound(() => Response.json({ detail: "Not Found" }, { status: 404 }));
  app.onError((err) => {
    core.logger.error("emulator-request-failed", { error: err });
    return errorResponse(500, "Internal error in the emulator.");
  });
  return app;
}

function loading(core: EmulatorCore): boolean {
  return !core.ready && !core.draining;
}

function modelList(core: EmulatorCore): Response {
  if (loading(core)) return errorResponse(503, "The model is still loading.");
  const cfg = core.config;
  const created = Math.floor(core.clock.nowMs() / 1000);
  const entry = (id: string, root: string, parent: string | null) => ({
    id,
    object: "model",
    created,
    owned_by: cfg.engine,
    root,
    parent,
    max_model_len: cfg.maxModelLen,
    permission: [],
  });
  return Response.json({
    object: "list",
    data: [
      entry(cfg.model, cfg.model, null),
      ...core.models.adapters.map((a) => entry(a.name, a.path, cfg.model)),
    ],
  });
}

function addOpsRoutes(app: Hono, core: EmulatorCore): void {
  app.get("/health", (c) => c.body(null, 200));
  app.get("/health/ready", (c) => {
    if (core.ready) return c.json({ status: "ready" }, 200);
    return c.json({ status: core.draining ? "draining" : "loading" }, 503);
  });
  app.get(
    "/version",
    (c) => c.json({ version: EMULATED_VLLM_VERSION, emulator: EMULATOR_VERSION }),
  );
  app.get(
    "/openapi.json",
    () =>
      new Response(openApiJson(EMULATOR_VERSION), {
        headers: { "content-type": "application/json" },
      }),
  );
  app.get("/metrics", () => {
    if (loading(core) && !core.config.metricsWhileLoading) {
      return errorResponse(503, "The model is still loading; metrics start when it is ready.");
    }
    return new Response(core.metricsText(), {
      headers: { "content-type": core.metrics.contentType },
    });
  });
}

const LoraRequestSchema = z.looseObject({
  lora_name: z.string().min(1),
  lora_path: z.string().optional(),
});

function addLoraRoutes(app: Hono, core: EmulatorCore): void {
  const handle = (load: boolean) => async (c: { req: { raw: Request } }) => {
    try {
      const body = parseBody(LoraRequestSchema, await readJsonBody(c.req.raw, bodyLimits(core)));
      const ok = load
        ? core.models.load(body.lora_name, body.lora_path)
        : core.models.unload(body.lora_name);
      if (!ok) {
        const why = load ? "is already loaded" : "is not loaded";
        throw new HttpProblem(400, `lora_name: adapter '${body.lora_name}' ${why}`, "lora_name");
      }
      core.logger.info(load ? "emulator-lora-loaded" : "emulator-lora-unloaded", {
        name: body.lora_name,
      });
      return new Response(
        `Success: LoRA adapter '${body.lora_name}' ${load ? "added" : "removed"}.`,
      );
    } catch (err) {
      if (err instanceof HttpProblem) {
        return errorResponse(err.status, err.message, { param: err.param });
      }
      throw err;
    }
  };
  app.post("/v1/load_lora_adapter", handle(true));
  app.post("/v1/unload_lora_adapter", handle(false));
}

function addAdminRoutes(app: Hono, core: EmulatorCore): void {
  app.get("/admin/config", (c) => c.json(adminView(core)));
  const patch = async (c: { req: { raw: Request } }) => {
    let raw: unknown;
    try {
      raw = await readJsonBody(c.req.raw, bodyLimits(core));
    } catch (err) {
      if (err instanceof HttpProblem) return errorResponse(err.status, err.message);
      throw err;
    }
    const parsed = AdminPatchSchema.safeParse(raw);
    if (!parsed.success) {
      const { message, param } = describeIssues(parsed.error, raw);
      return errorResponse(400, `Invalid settings: ${message}`, { param });
    }
    const tooLong = (["alphaMs", "betaMs", "gammaMs", "deltaMs"] as const)
      .find((k) => (parsed.data[k] ?? 0) > MAX_LATENCY_MS);
    if (tooLong) {
      return errorResponse(
        400,
        `Invalid settings: ${tooLong}: must be at most ${MAX_LATENCY_MS} ms (got ${
          parsed.data[tooLong]
        })`,
        { param: tooLong },
      );
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
      engine: c.engine,
      engineLabel: c.engineLabel,
      timeScale: c.timeScale,
      enablePrefixCaching: c.enablePrefixCaching,
      maxLoras: c.maxLoras,
      loraAdapters: core.models.adapters.map((a) => ({ name: a.name, path: a.path })),
      kvTransferLatencyMs: c.kvTransferLatencyMs,
      kvTransferMsPerToken: c.kvTransferMsPerToken,
      metricsWhileLoading: c.metricsWhileLoading,
      toolCallRate01: c.toolCallRate01,
      responseHoldMs: c.responseHoldMs,
      bodyTimeoutMs: c.bodyTimeoutMs,
      maxBodyBytes: c.maxBodyBytes,
      listenBacklog: c.listenBacklog,
    },
  };
}
