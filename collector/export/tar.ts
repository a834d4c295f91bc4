// A gzip'd tar written as entries are produced: nothing holds the archive in memory. Headers come from
// node-tar's Header (ustar); bodies are written as they stream in, with the sha256 and size of every
// entry reported to the caller (the manifest is built from them). Small writes are coalesced before
// they reach zlib, which compresses on the libuv thread pool while the caller reads the next rows.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { createGzip, type Gzip } from 'node:zlib';
import { Header } from 'tar';

const BLOCK = 512;
/**
 * Default gzip level. Measured on an export of 10,000 devices (777 MB of tar): level 4 writes 7 % more
 * bytes than level 6 in 12 % less time; compression is the slowest stage of an export, so it is the
 * default (levels 1–3 save little more time and grow the archive by a quarter).
 */
export const DEFAULT_GZIP_LEVEL = 4;
const STAGE = 1024 * 1024;

export interface EntryRecord {
  path: string;
  size: number;
  sha256: string;
}

export class TarGzWriter {
  private readonly gzip: Gzip;
  // Entries are staged into 1 MiB buffers before they reach zlib: headers are encoded in place and small
  // bodies copied, instead of handing zlib thousands of tiny writes. A staged buffer is handed over
  // whole and a fresh one started (zlib reads it asynchronously).
  private stage = Buffer.allocUnsafe(STAGE);
  private staged = 0;
  private readonly done: Promise<void>;
  bytesIn = 0;

  constructor(
    out: Writable,
    private readonly opts: { mtime: Date; level?: number; onEntry?: (e: EntryRecord) => void },
  ) {
    this.gzip = createGzip({ level: opts.level ?? DEFAULT_GZIP_LEVEL, memLevel: 9, chunkSize: 256 * 1024 });
    this.gzip.pipe(out);
    this.done = new Promise<void>((resolve, reject) => {
      out.once('finish', resolve);
      out.once('close', resolve);
      out.once('error', reject);
      this.gzip.once('error', reject);
    });
  }

  private async header(path: string, size: number): Promise<void> {
    if (Buffer.byteLength(path) > 100 || !/^[A-Za-z0-9._/@+-]+$/.test(path)) throw new Error(`archive path ${JSON.stringify(path)} is not a short portable name`);
    if (STAGE - this.staged < BLOCK) await this.flush();
    const h = new Header({ path, mode: 0o644, uid: 0, gid: 0, size, mtime: this.opts.mtime, type: 'File', uname: '', gname: '' });
    this.stage.fill(0, this.staged, this.staged + BLOCK);
    h.encode(this.stage, this.staged);
    this.staged += BLOCK;
    this.bytesIn += BLOCK;
  }

  private async push(buf: Buffer): Promise<void> {
    this.bytesIn += buf.length;
    if (buf.length >= STAGE / 4) {
      await this.flush();
      await this.write(buf);
      return;
    }
    if (STAGE - this.staged < buf.length) await this.flush();
    buf.copy(this.stage, this.staged);
    this.staged += buf.length;
  }

  private async write(chunk: Buffer): Promise<void> {
    if (!this.gzip.write(chunk)) await once(this.gzip, 'drain');
  }

  private async flush(): Promise<void> {
    if (!this.staged) return;
    const chunk = this.stage.subarray(0, this.staged);
    this.stage = Buffer.allocUnsafe(STAGE);
    this.staged = 0;
    await this.write(chunk);
  }

  private async pad(size: number): Promise<void> {
    const rest = size % BLOCK;
    if (!rest) return;
    const n = BLOCK - rest;
    if (STAGE - this.staged < n) await this.flush();
    this.stage.fill(0, this.staged, this.staged + n);
    this.staged += n;
    this.bytesIn += n;
  }

  /** One entry from bytes in memory (envelopes, device records, small reports). */
  async addBuffer(path: string, data: Buffer): Promise<EntryRecord> {
    await this.header(path, data.length);
    await this.push(data);
    await this.pad(data.length);
    const record = { path, size: data.length, sha256: createHash('sha256').update(data).digest('hex') };
    this.opts.onEntry?.(record);
    return record;
  }

  /**
   * One entry from parts: bytes in memory and files on disk (written earlier), concatenated in order.
   * The header needs the size first, so callers pass the total they expect; a mismatch is an error.
   */
  async addParts(path: string, parts: readonly (Buffer | { file: string })[], size: number): Promise<EntryRecord> {
    await this.header(path, size);
    const hash = createHash('sha256');
    let written = 0;
    for (const part of parts) {
      if (Buffer.isBuffer(part)) {
        hash.update(part);
        written += part.length;
        await this.push(part);
        continue;
      }
      for await (const chunk of createReadStream(part.file, { highWaterMark: 256 * 1024 })) {
        const b = chunk as Buffer;
        hash.update(b);
        written += b.length;
        await this.push(b);
      }
    }
    if (written !== size) throw new Error(`${path}: expected ${size} bytes from its parts, read ${written}`);
    await this.pad(size);
    const record = { path, size, sha256: hash.digest('hex') };
    this.opts.onEntry?.(record);
    return record;
  }

  /** Two zero blocks end a tar archive; then the gzip trailer. */
  async finish(): Promise<void> {
    await this.push(Buffer.alloc(BLOCK * 2));
    await this.flush();
    this.gzip.end();
    await this.done;
  }

  destroy(err: Error): void {
    this.gzip.destroy(err);
  }
}
