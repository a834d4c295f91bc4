// Reads an evidence archive entry by entry (gzip'd tar, or plain tar), hashing every entry as it streams
// and keeping the bytes only of the entries the caller asks for. Standalone: node built-ins and tar.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Parser, type ReadEntry } from 'tar';

export interface ArchiveEntry {
  path: string;
  size: number;
  sha256: string;
  /** The bytes, when keep(path) asked for them. */
  bytes: Buffer | null;
}

export class ArchiveError extends Error {}

/** Entries kept in memory are small by design (manifest, device records, envelopes); a hostile archive must not exhaust memory. */
export const MAX_KEPT_BYTES = 1024 * 1024 * 1024;

/** Paths as written by other tar tools: "./a/b" and "a/b" are the same file. */
function normalise(path: string): string {
  return path.replace(/^(\.\/)+/, '');
}

/**
 * Calls onEntry for every regular file, in archive order. Directories are skipped (a re-packed
 * extraction has them); links, devices and the like are refused, as are unsafe or duplicate paths.
 */
export function walkArchive(file: string, keep: (path: string) => boolean, onEntry: (e: ArchiveEntry) => void): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const seen = new Set<string>();
    let failed = false;
    const fail = (err: Error) => {
      if (failed) return;
      failed = true;
      reject(err instanceof ArchiveError ? err : new ArchiveError(err.message));
    };
    const parser = new Parser({ strict: true });
    parser.on('entry', (entry: ReadEntry) => {
      const path = normalise(entry.path);
      if (entry.type === 'Directory') {
        entry.resume();
        return;
      }
      if (entry.type !== 'File' && entry.type !== 'OldFile' && entry.type !== 'ContiguousFile') {
        entry.resume();
        return fail(new ArchiveError(`${path}: ${entry.type} entries are not allowed in an evidence archive`));
      }
      if (!path || path.startsWith('/') || path.split('/').some((p) => p === '..' || p === '')) {
        entry.resume();
        return fail(new ArchiveError(`${JSON.stringify(path)}: unsafe path`));
      }
      if (seen.has(path)) {
        entry.resume();
        return fail(new ArchiveError(`${path}: appears twice in the archive`));
      }
      seen.add(path);
      const hash = createHash('sha256');
      const chunks: Buffer[] | null = keep(path) ? [] : null;
      let size = 0;
      entry.on('data', (chunk: Buffer) => {
        hash.update(chunk);
        size += chunk.length;
        if (chunks && size > MAX_KEPT_BYTES) {
          chunks.length = 0;
          fail(new ArchiveError(`${path}: larger than ${MAX_KEPT_BYTES} bytes, not an evidence archive entry`));
        }
        chunks?.push(chunk);
      });
      entry.on('end', () => {
        if (failed) return;
        try {
          onEntry({ path, size, sha256: hash.digest('hex'), bytes: chunks ? Buffer.concat(chunks) : null });
        } catch (err) {
          fail(err as Error);
        }
      });
    });
    parser.on('error', (err: Error) => fail(err));
    parser.on('warn', (_code: string, message: string | Error) => fail(new ArchiveError(`not a readable tar archive: ${String(message)}`)));
    parser.on('end', () => {
      if (!failed) resolve();
    });
    const input = createReadStream(file);
    input.on('error', (err) => fail(new ArchiveError(`${file}: ${err.message}`)));
    input.pipe(parser);
  });
}
