/**
 * Byte frames for streaming responses without a buffer allocation per frame: frames are views
 * into shared 64 KiB chunks, and a chunk is released once every frame in it has been written.
 * Frames are never modified after they are handed out.
 *
 * @module
 */

const CHUNK_BYTES = 64 * 1024;
const ENCODER = new TextEncoder();

/** Hands out write-once views into shared chunks. */
export class FrameArena {
  #chunk = new Uint8Array(CHUNK_BYTES);
  #offset = 0;

  /** A fresh view of `bytes` bytes (contents undefined until written). */
  alloc(bytes: number): Uint8Array {
    if (this.#offset + bytes > this.#chunk.length) {
      this.#chunk = new Uint8Array(Math.max(CHUNK_BYTES, bytes));
      this.#offset = 0;
    }
    const view = this.#chunk.subarray(this.#offset, this.#offset + bytes);
    this.#offset += bytes;
    return view;
  }

  /** One frame holding `parts` back to back. */
  join(parts: readonly Uint8Array[], totalBytes: number): Uint8Array {
    if (parts.length === 1) return parts[0]!;
    const out = this.alloc(totalBytes);
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }
}

/** The arena shared by every response of the process. */
export const FRAMES = new FrameArena();

/** UTF-8 bytes of `text`. */
export function utf8(text: string): Uint8Array {
  return ENCODER.encode(text);
}
