// Durable queue of signed envelopes. Every envelope is written here (tmp file, fsync, rename) before it is
// sent, and deleted only when the collector has acked its sequence. chain.json holds the head of the hash
// chain; if a crash lands between the spool write and the chain update, the head is recovered from the
// newest spool file on open.
import { createHash } from 'node:crypto';
import { readdir, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { VigilError } from '../protocol/errors.js';
import { writeFileDurable, type StatePaths } from './state.js';

export interface ChainHead {
  lastSeq: number;
  /** sha256 of the last envelope's bytes; null before the first one. */
  lastHash: string | null;
}

const NAME = /^(\d{12})\.json$/;
const fileOf = (dir: string, seq: number) => join(dir, `${String(seq).padStart(12, '0')}.json`);
const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

export class Spool {
  private head: ChainHead = { lastSeq: 0, lastHash: null };
  private constructor(private readonly paths: StatePaths) {}

  static async open(paths: StatePaths): Promise<Spool> {
    const s = new Spool(paths);
    try {
      s.head = JSON.parse(await readFile(paths.chain, 'utf8')) as ChainHead;
    } catch {
      s.head = { lastSeq: 0, lastHash: null };
    }
    const seqs = await s.pendingSeqs();
    const newest = seqs.at(-1);
    if (newest !== undefined && newest > s.head.lastSeq) {
      const bytes = await readFile(fileOf(paths.spool, newest));
      s.head = { lastSeq: newest, lastHash: sha256(bytes) };
      await s.saveHead();
    }
    return s;
  }

  chainHead(): ChainHead {
    return { ...this.head };
  }

  private saveHead(): Promise<void> {
    return writeFileDurable(this.paths.chain, JSON.stringify(this.head));
  }

  /** Appends the envelope for the next sequence and advances the chain head. */
  async append(seq: number, envelopeText: string): Promise<void> {
    if (seq !== this.head.lastSeq + 1) throw new VigilError('E_STATE_CORRUPT', `spool expected sequence ${this.head.lastSeq + 1}, got ${seq}`);
    const bytes = Buffer.from(envelopeText, 'utf8');
    await writeFileDurable(fileOf(this.paths.spool, seq), bytes);
    this.head = { lastSeq: seq, lastHash: sha256(bytes) };
    await this.saveHead();
  }

  /** Continue the chain from a head the collector verified (used when local state is older). */
  async adopt(head: ChainHead): Promise<void> {
    this.head = { ...head };
    await this.saveHead();
  }

  async pendingSeqs(): Promise<number[]> {
    const names = await readdir(this.paths.spool).catch(() => [] as string[]);
    return names
      .map((n) => NAME.exec(n))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => Number(m[1]))
      .sort((a, b) => a - b);
  }

  async read(seq: number): Promise<string> {
    return readFile(fileOf(this.paths.spool, seq), 'utf8');
  }

  /** The collector has stored every sequence up to and including seq. */
  async ackUpTo(seq: number): Promise<void> {
    for (const s of await this.pendingSeqs()) {
      if (s > seq) break;
      await unlink(fileOf(this.paths.spool, s)).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'ENOENT') throw err;
      });
    }
  }
}
