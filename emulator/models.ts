/**
 * The model names a server answers to: the base model and its LoRA adapters (from the config,
 * or loaded at run time through `/v1/load_lora_adapter`, as vLLM allows with
 * `VLLM_ALLOW_RUNTIME_LORA_UPDATING`). A request naming an adapter runs on the base model with
 * that adapter; the scheduler limits how many adapters share a batch (`maxLoras`).
 *
 * @module
 */

/** One LoRA adapter. */
export interface LoraAdapter {
  readonly name: string;
  readonly path: string;
  /** Stable small integer (vLLM's lora_int_id), from 1. */
  readonly id: number;
}

/** The served names. */
export class ServedModels {
  readonly base: string;
  readonly #adapters = new Map<string, LoraAdapter>();
  #nextId = 1;

  constructor(
    base: string,
    adapters: ReadonlyArray<{ readonly name: string; readonly path?: string | undefined }>,
  ) {
    this.base = base;
    for (const a of adapters) this.load(a.name, a.path);
  }

  /** The adapters, in load order. */
  get adapters(): readonly LoraAdapter[] {
    return [...this.#adapters.values()];
  }

  /** Null for the base model, the adapter name for an adapter, undefined when unknown. */
  resolve(name: string): { readonly lora: string | null } | undefined {
    if (name === this.base) return { lora: null };
    return this.#adapters.has(name) ? { lora: name } : undefined;
  }

  /** Adds an adapter; false when the name is taken. */
  load(name: string, path?: string): boolean {
    if (name === this.base || this.#adapters.has(name)) return false;
    this.#adapters.set(name, { name, path: path ?? `/adapters/${name}`, id: this.#nextId++ });
    return true;
  }

  /** Removes an adapter; false when it is not loaded. */
  unload(name: string): boolean {
    return this.#adapters.delete(name);
  }
}
