/**
 * zstd for Parquet pages. Node 20 has no zstd in zlib, so this uses
 * @bokuweb/zstd-wasm: the reference zstd library compiled to WebAssembly and
 * shipped inside the npm tarball (no native build, no download at install).
 * Each page is one zstd frame, which is what Parquet's ZSTD codec means.
 */
import { compress, init } from '@bokuweb/zstd-wasm';

let ready: Promise<void> | undefined;

/** Loads the wasm module once per process; safe to call repeatedly. */
export function initZstd(): Promise<void> {
  ready ??= init().catch((error: unknown) => {
    ready = undefined;
    throw error;
  });
  return ready;
}

export const DEFAULT_ZSTD_LEVEL = 3;

/** Compresses one page. `initZstd()` must have resolved first. */
export function zstdCompress(data: Uint8Array, level: number = DEFAULT_ZSTD_LEVEL): Buffer {
  const out = compress(data, level);
  return Buffer.from(out.buffer, out.byteOffset, out.byteLength);
}
