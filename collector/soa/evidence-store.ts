// Manual evidence files live in the data directory under evidence/<sha256>: content-addressed, so the
// same file attached twice is stored once and a file can be checked against its name at any time.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { VigilError } from '../../protocol/errors.js';

export const MAX_EVIDENCE_BYTES = 256 * 1024 * 1024;

export class EvidenceStore {
  constructor(readonly dir: string) {}

  pathOf(sha256: string): string {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new VigilError('E_BAD_REQUEST', 'not a sha256');
    return join(this.dir, sha256);
  }

  /** Copies the content in while hashing it; returns its sha256 and size. */
  async put(source: Readable | Buffer, maxBytes = MAX_EVIDENCE_BYTES): Promise<{ sha256: string; size: number }> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const tmp = join(this.dir, `.incoming-${randomBytes(8).toString('hex')}`);
    const hash = createHash('sha256');
    let size = 0;
    const input = Buffer.isBuffer(source) ? Readable.from([source]) : source;
    try {
      await pipeline(
        input,
        async function* (chunks: AsyncIterable<Buffer>) {
          for await (const chunk of chunks) {
            size += chunk.length;
            if (size > maxBytes) throw new VigilError('E_FRAME_TOO_LARGE', `evidence file is larger than ${maxBytes} bytes`);
            hash.update(chunk);
            yield chunk;
          }
        },
        createWriteStream(tmp, { mode: 0o600 }),
      );
      const sha256 = hash.digest('hex');
      const target = this.pathOf(sha256);
      if (existsSync(target)) await rm(tmp);
      else await rename(tmp, target);
      return { sha256, size };
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
  }

  async putFile(file: string): Promise<{ sha256: string; size: number }> {
    const st = await stat(file).catch(() => null);
    if (!st?.isFile()) throw new VigilError('E_NOT_FOUND', `${file} is not a readable file`);
    return this.put(createReadStream(file));
  }

  read(sha256: string): Readable {
    return createReadStream(this.pathOf(sha256));
  }

  async size(sha256: string): Promise<number> {
    return (await stat(this.pathOf(sha256))).size;
  }
}
