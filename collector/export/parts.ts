// Append-only temporary files for the parts of large documents (OSCAL sections, CSV, report rows):
// written while devices stream by, concatenated into archive entries at the end.
import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';

const COALESCE = 256 * 1024;

export class PartFile {
  private readonly ws: WriteStream;
  // Text is encoded piece by piece into a staging buffer that reaches the file system in 256 KiB
  // writes: joining thousands of small strings first is slow (ropes, and one non-ASCII piece makes the
  // whole joined string two-byte), and one write per piece would be thousands of system calls.
  private stage = Buffer.allocUnsafe(COALESCE);
  private staged = 0;
  private written = 0;

  constructor(readonly file: string) {
    // A few staged chunks may wait for the file system (its threads are shared with zlib and SQLite).
    this.ws = createWriteStream(file, { highWaterMark: 4 * COALESCE, mode: 0o600 });
  }

  /** Bytes written so far, including what is staged. */
  get bytes(): number {
    return this.written + this.staged;
  }

  async write(data: string | Buffer): Promise<void> {
    // A string takes at most 3 bytes per UTF-16 unit in UTF-8.
    const worst = typeof data === 'string' ? data.length * 3 : data.length;
    if (worst > COALESCE - this.staged) await this.flush();
    if (worst > COALESCE) {
      const b = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
      this.written += b.length;
      if (!this.ws.write(b)) await once(this.ws, 'drain');
      return;
    }
    this.staged += typeof data === 'string' ? this.stage.write(data, this.staged, 'utf8') : data.copy(this.stage, this.staged);
  }

  private async flush(): Promise<void> {
    if (!this.staged) return;
    const chunk = this.stage.subarray(0, this.staged);
    this.stage = Buffer.allocUnsafe(COALESCE);
    this.written += this.staged;
    this.staged = 0;
    if (!this.ws.write(chunk)) await once(this.ws, 'drain');
  }

  async close(): Promise<void> {
    await this.flush();
    this.ws.end();
    await finished(this.ws);
  }
}

/** The items of a JSON array, comma-separated; the brackets are written by whoever assembles the document. */
export class JsonItems extends PartFile {
  count = 0;

  async item(value: unknown): Promise<void> {
    await this.raw(JSON.stringify(value));
  }

  /** An item already in JSON form. */
  async raw(json: string): Promise<void> {
    await this.write(`${this.count++ ? ',\n' : ''}${json}`);
  }
}
