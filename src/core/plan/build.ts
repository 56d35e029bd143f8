/**
 * From a parsed plan file to the optimizer's {@linkcode SystemSpec}: cross-reference checks
 * (every problem reported at once, naming the field path and the value) and unit-named fields.
 *
 * @module
 */
import { ConfigError, parseOrThrow } from "../util/validate.ts";
import type { SystemSpec } from "./system.ts";
import { type SystemFile, SystemFileSchema } from "./schema.ts";

/** Problems found across references: errors stop the plan, warnings are printed. */
export interface CrossCheck {
  /** One line per problem, `field.path: what (value)`; any error rejects the file. */
  readonly errors: readonly string[];
  /** Suspicious but usable entries (e.g. capacity for no accelerator type). */
  readonly warnings: readonly string[];
}

function list(values: Iterable<string>): string {
  const all = [...new Set(values)];
  return all.length ? all.map((v) => JSON.stringify(v)).join(", ") : "none";
}

function duplicates<T>(
  items: readonly T[],
  key: (t: T) => string,
  at: string,
  what: string,
): string[] {
  const seen = new Map<string, number>();
  const out: string[] = [];
  items.forEach((item, i) => {
    const k = key(item);
    const first = seen.get(k);
    if (first !== undefined) {
      out.push(`${at}[${i}]: duplicate ${what} ${k} (first at ${at}[${first}])`);
    } else seen.set(k, i);
  });
  return out;
}

/** Checks names that refer to other entries of the file. */
export function crossCheck(file: SystemFile): CrossCheck {
  const names: FileNames = {
    accelerators: new Set(file.accelerators.map((a) => a.name)),
    models: new Set(file.models.map((m) => m.name)),
    classes: new Set(file.serviceClasses.map((c) => c.name)),
  };
  const servers = file.servers.map((s, i) => checkServer(file, names, s, `servers[${i}]`));
  return {
    errors: [
      ...duplicateEntries(file),
      ...priorityConflicts(file),
      ...unknownModelAccelerators(file, names),
      ...servers.flatMap((c) => c.errors),
    ],
    warnings: [...servers.flatMap((c) => c.warnings), ...unmatchedCapacity(file)],
  };
}

/** The names other entries refer to. */
interface FileNames {
  readonly accelerators: ReadonlySet<string>;
  readonly models: ReadonlySet<string>;
  readonly classes: ReadonlySet<string>;
}

/** Entries given twice under the same key, in the order of the file's sections. */
function duplicateEntries(file: SystemFile): string[] {
  return [
    ...duplicates(file.accelerators, (a) => JSON.stringify(a.name), "accelerators", "name"),
    ...duplicates(
      file.models,
      (m) => `${JSON.stringify(m.name)} on ${JSON.stringify(m.acc)}`,
      "models",
      "model",
    ),
    ...duplicates(
      file.serviceClasses,
      (c) => `${JSON.stringify(c.name)} for ${JSON.stringify(c.model)}`,
      "serviceClasses",
      "class",
    ),
    ...duplicates(file.servers, (s) => JSON.stringify(s.name), "servers", "name"),
  ];
}

/** A service class has one priority: entries that give another one than the first. */
function priorityConflicts(file: SystemFile): string[] {
  const errors: string[] = [];
  const priorities = new Map<string, number>();
  file.serviceClasses.forEach((c, i) => {
    const p = priorities.get(c.name);
    if (p === undefined) priorities.set(c.name, c.priority);
    else if (p !== c.priority) {
      errors.push(
        `serviceClasses[${i}].priority: ${c.priority} differs from ${p} given earlier for class ${
          JSON.stringify(c.name)
        }`,
      );
    }
  });
  return errors;
}

/** Model entries whose accelerator is not declared. */
function unknownModelAccelerators(file: SystemFile, names: FileNames): string[] {
  const errors: string[] = [];
  file.models.forEach((m, i) => {
    if (!names.accelerators.has(m.acc)) {
      errors.push(
        `models[${i}].acc: unknown accelerator ${JSON.stringify(m.acc)} (accelerators: ${
          list(names.accelerators)
        })`,
      );
    }
  });
  return errors;
}

/** One server's references: model, class (and its SLO for the model), current accelerator, load. */
function checkServer(
  file: SystemFile,
  names: FileNames,
  s: SystemFile["servers"][number],
  at: string,
): CrossCheck {
  const errors: string[] = [];
  const warnings: string[] = [];
  if (!names.models.has(s.model)) {
    errors.push(
      `${at}.model: unknown model ${JSON.stringify(s.model)} (models: ${list(names.models)})`,
    );
  }
  if (!names.classes.has(s.class)) {
    errors.push(
      `${at}.class: unknown service class ${JSON.stringify(s.class)} (serviceClasses: ${
        list(names.classes)
      })`,
    );
  } else if (!file.serviceClasses.some((c) => c.name === s.class && c.model === s.model)) {
    errors.push(
      `${at}.model: service class ${JSON.stringify(s.class)} has no SLO entry for model ${
        JSON.stringify(s.model)
      }`,
    );
  }
  const cur = s.currentAlloc.accelerator;
  if (cur !== "" && !names.accelerators.has(cur)) {
    errors.push(
      `${at}.currentAlloc.accelerator: unknown accelerator ${JSON.stringify(cur)} (accelerators: ${
        list(names.accelerators)
      })`,
    );
  } else if (
    cur !== "" && s.keepAccelerator &&
    !file.models.some((m) => m.name === s.model && m.acc === cur)
  ) {
    warnings.push(
      `${at}: keepAccelerator with ${JSON.stringify(cur)}, but model ${
        JSON.stringify(s.model)
      } has no performance data on it; the server gets no allocation`,
    );
  }
  const load = s.currentAlloc.load;
  if (
    file.optimizer.model === "gen2" && load.arrivalRate > 0 && load.avgOutTokens === undefined &&
    load.avgLength === undefined
  ) {
    errors.push(
      `${at}.currentAlloc.load.avgOutTokens: required by the gen2 model when arrivalRate > 0 (missing)`,
    );
  }
  return { errors, warnings };
}

/** Capacity entries whose type no accelerator has (a warning: they are simply unused). */
function unmatchedCapacity(file: SystemFile): string[] {
  const types = new Set(file.accelerators.map((a) => a.type));
  const warnings: string[] = [];
  file.capacity.forEach((c, i) => {
    if (!types.has(c.type)) {
      warnings.push(
        `capacity[${i}].type: ${JSON.stringify(c.type)} matches no accelerator type (types: ${
          list(types)
        })`,
      );
    }
  });
  return warnings;
}

/** Converts a checked file to the optimizer's system (units in the field names). */
export function toSystemSpec(file: SystemFile): SystemSpec {
  return {
    accelerators: file.accelerators.map((a) => ({
      name: a.name,
      type: a.type,
      multiplicity: a.multiplicity,
      cost: a.cost,
    })),
    serviceClasses: file.serviceClasses.map((c) => ({
      name: c.name,
      model: c.model,
      priority: c.priority,
      sloItlMs: c["slo-itl"],
      sloTtwMs: c["slo-ttw"],
      sloTtftMs: c["slo-ttft"] ?? 0,
      sloTps: c["slo-tps"],
    })),
    models: file.models.map((m) => ({
      model: m.name,
      accelerator: m.acc,
      accCount: m.accCount,
      alphaMs: m.alpha,
      betaMs: m.beta,
      gammaMs: m.gamma,
      deltaMs: m.delta,
      maxBatchSize: m.maxBatchSize,
      atTokens: m.atTokens,
    })),
    servers: file.servers.map((s) => {
      const cur = s.currentAlloc;
      const load = cur.load;
      return {
        name: s.name,
        serviceClass: s.class,
        model: s.model,
        keepAccelerator: s.keepAccelerator,
        minNumReplicas: s.minNumReplicas,
        maxBatchSize: s.maxBatchSize,
        currentAlloc: cur.accelerator === "" ? undefined : {
          accelerator: cur.accelerator,
          numReplicas: cur.numReplicas,
          maxBatch: cur.maxBatch,
          cost: cur.cost,
        },
        load: {
          arrivalRateRpm: load.arrivalRate,
          avgLength: load.avgLength ?? load.avgOutTokens ?? 0,
          avgInTokens: load.avgInTokens ?? 0,
          avgOutTokens: load.avgOutTokens ?? load.avgLength ?? 0,
        },
      };
    }),
    capacity: file.capacity,
    optimizer: file.optimizer,
  };
}

/**
 * Validates raw input (parsed YAML/JSON) and builds the system; throws {@linkcode ConfigError}
 * with one line per problem, prefixed by `source`.
 */
export function loadSystem(
  input: unknown,
  source: string,
): {
  readonly system: SystemSpec;
  readonly file: SystemFile;
  readonly warnings: readonly string[];
} {
  const file = parseOrThrow(SystemFileSchema, input, source);
  const check = crossCheck(file);
  if (check.errors.length > 0) throw new ConfigError(check.errors.map((e) => `${source}: ${e}`));
  return {
    system: toSystemSpec(file),
    file,
    warnings: check.warnings.map((w) => `${source}: warning: ${w}`),
  };
}
