import { createHash } from 'node:crypto';
import type { Stats } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants as zlibConstants, gzip } from 'node:zlib';

const brotliCompressAsync = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/** Text types worth compressing; images, fonts and archives are compressed already. */
const compressibleExtensions = new Set(['.html', '.js', '.mjs', '.css', '.svg', '.json', '.map', '.txt', '.xml', '.webmanifest']);

/** Below this a compressed body saves less than its headers and a round of CPU cost. */
export const compressionBytesMin = 1024;
/** An encoding is kept only if it is at most this fraction of the original. */
const compressedSizeRatioMax = 0.9;
/** Brotli's best quality: about 4 s for a 400 KB bundle, paid once per file in the background. */
const brotliQuality = zlibConstants.BROTLI_MAX_QUALITY;
const gzipLevel = zlibConstants.Z_BEST_COMPRESSION;
/** Larger files are streamed from disk as they are, never held in memory. */
export const cachedFileBytesMax = 8 * 1024 * 1024;
/**
 * Bound on the whole cache, counting each file as three times its size (original, gzip, brotli); it
 * holds two of the largest files, so the entry just added is never the one evicted.
 */
const cacheBytesMax = 64 * 1024 * 1024;

/** A file's bytes, its encodings (null while not worth it or not ready yet) and an ETag per encoding. */
export interface EncodedFile {
  readonly identity: Buffer;
  gzip: Buffer | null;
  br: Buffer | null;
  /** Whether the answer depends on Accept-Encoding (`Vary`): true for compressible files of some size. */
  readonly compressible: boolean;
  /** Content hash, quoted per representation as `"<hash>"`, `"<hash>-gzip"`, `"<hash>-br"`. */
  readonly contentHash: string;
}

interface CacheEntry {
  readonly mtimeMs: number;
  readonly sizeBytes: number;
  readonly file: Promise<EncodedFile>;
}

/**
 * Static files held in memory, each read and compressed once: gzip before the first answer (tens of
 * milliseconds), brotli at its best quality afterwards in zlib's thread pool, so the first visitor does
 * not wait seconds for it; until it is ready brotli clients get gzip. An entry is dropped when the file's
 * size or mtime changes (a rebuild while the server runs) and, past the byte budget, oldest first.
 */
export class EncodedFileCache {
  readonly #entries = new Map<string, CacheEntry>();
  #budgetedBytes = 0;

  /** `stats` is the caller's fresh stat of `path`; it must be a regular file of at most cachedFileBytesMax. */
  get(path: string, stats: Stats): Promise<EncodedFile> {
    if (stats.size > cachedFileBytesMax) throw new RangeError(`${path} is too large to cache: ${stats.size} bytes`);
    const cached = this.#entries.get(path);
    if (cached !== undefined && cached.mtimeMs === stats.mtimeMs && cached.sizeBytes === stats.size) return cached.file;
    if (cached !== undefined) this.#delete(path, cached);
    const entry: CacheEntry = { mtimeMs: stats.mtimeMs, sizeBytes: stats.size, file: loadEncodedFile(path) };
    this.#entries.set(path, entry);
    this.#budgetedBytes += 3 * entry.sizeBytes;
    entry.file.catch(() => {
      if (this.#entries.get(path) === entry) this.#delete(path, entry);
    });
    this.#evictOverBudget();
    return entry.file;
  }

  #evictOverBudget(): void {
    for (const [path, entry] of this.#entries) {
      if (this.#budgetedBytes <= cacheBytesMax) return;
      this.#delete(path, entry);
    }
  }

  #delete(path: string, entry: CacheEntry): void {
    this.#entries.delete(path);
    this.#budgetedBytes -= 3 * entry.sizeBytes;
  }
}

async function loadEncodedFile(path: string): Promise<EncodedFile> {
  const identity = await readFile(path);
  const compressible = compressibleExtensions.has(extname(path).toLowerCase()) && identity.length >= compressionBytesMin;
  const contentHash = createHash('sha256').update(identity).digest('base64url').slice(0, 22);
  const file: EncodedFile = { identity, gzip: null, br: null, compressible, contentHash };
  if (!compressible) return file;
  void brotliCompressAsync(identity, {
    params: {
      [zlibConstants.BROTLI_PARAM_QUALITY]: brotliQuality,
      [zlibConstants.BROTLI_PARAM_MODE]: zlibConstants.BROTLI_MODE_TEXT,
      [zlibConstants.BROTLI_PARAM_SIZE_HINT]: identity.length,
    },
  }).then(
    (br) => (file.br = worthKeeping(br, identity)),
    () => undefined, // Brotli is an optimisation: without it, clients get gzip.
  );
  file.gzip = worthKeeping(await gzipAsync(identity, { level: gzipLevel }), identity);
  return file;
}

function worthKeeping(encoded: Buffer, identity: Buffer): Buffer | null {
  return encoded.length <= identity.length * compressedSizeRatioMax ? encoded : null;
}
