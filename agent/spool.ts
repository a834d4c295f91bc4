// Durable queue of signed envelopes. Every envelope is written here (tmp file, fsync, rename) before it is
// sent, and deleted only when the collector has acked its sequence. chain.json holds the head of the hash
// chain; if a crash lands between the spool write and the chain update, the head is recovered from the
// newest spool file on open.
//
// Bounded in bytes (maxBytes). When an append takes the spool over its bound, the oldest unsent
// attestations are dropped, never the newest, and the oldest dropped sequence is replaced by a signed gap
// marker (predicate.gap: the last dropped sequence, the sha256 of its envelope and the bytes dropped).
// The collector stores the marker as evidence of the loss and continues the chain from the last dropped
// envelope's hash: nothing is dropped silently, and the chain still proves that nothing else is missing.
// Caveat: an attestation sent but not yet acked can be dropped too; the spool only fills when the
// collector has been unreachable for long, when nothing is in flight.
import { createHash } from 'node:crypto';
import { readdir, readFile, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { VigilError } from '../protocol/errors.js';
import { signEnvelope } from '../protocol/dsse.js';
import { canonicalBytes } from '../protocol/jcs.js';
import { PAYLOAD_TYPE, buildStatement, type Predicate } from '../protocol/statement.js';
import type { DeviceKey } from './keystore.js';
import { updateAgentStatus, writeFileDurable, type StatePaths } from './state.js';

export interface ChainHead {
  lastSeq: number;
  /** sha256 of the last envelope's bytes; null before the first one. */
  lastHash: string | null;
}

const NAME = /^(\d{12})\.json$/;
const fileOf = (dir: string, seq: number) => join(dir, `${String(seq).padStart(12, '0')}.json`);
const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

export interface Gap {
  /** The first dropped sequence: the marker takes it. */
  fromSeq: number;
  toSeq: number;
  /** previous of the first dropped attestation (where the marker links into the chain). */
  previous: string;
  /** sha256 of the last dropped envelope (what the attestation after the gap links to). */
  lastHash: string;
  droppedBytes: number;
  /** Predicate of the last dropped attestation (device facts and time for the marker). */
  last: Predicate;
}

/** Builds and signs the gap marker envelope for gap.fromSeq. */
export type GapMarker = (gap: Gap) => string;

export interface SpoolOptions {
  /** Bound in bytes; enforced only when gapMarker is given (the daemon and run --once). */
  maxBytes?: number;
  gapMarker?: GapMarker;
}

/** The predicate inside a spooled envelope (the agent wrote it; no signature check needed here). */
export function spooledPredicate(envelopeText: string): Predicate {
  const env = JSON.parse(envelopeText) as { payload: string };
  return (JSON.parse(Buffer.from(env.payload, 'base64').toString('utf8')) as { predicate: Predicate }).predicate;
}

/** Gap markers signed with the device key: no checks, the last dropped attestation's device and time. */
export function signedGapMarker(key: DeviceKey, agent: Predicate['agent']): GapMarker {
  return (gap) => {
    const predicate: Predicate = {
      sequence: gap.fromSeq,
      previous: gap.previous,
      collectedAt: gap.last.collectedAt,
      agent,
      device: gap.last.device,
      checks: [],
      gap: { reason: 'spool-full', toSeq: gap.toSeq, lastHash: gap.lastHash, droppedBytes: gap.droppedBytes },
    };
    const d = gap.last.device;
    const statement = buildStatement(key.digest, `device:${d.serial ? `serial:${d.serial}` : `hostname:${d.hostname}`}`, predicate);
    return JSON.stringify(signEnvelope(PAYLOAD_TYPE, canonicalBytes(statement), key.privateKey, key.keyid));
  };
}

export class Spool {
  private head: ChainHead = { lastSeq: 0, lastHash: null };
  private constructor(
    private readonly paths: StatePaths,
    private readonly opts: SpoolOptions,
  ) {}

  static async open(paths: StatePaths, opts: SpoolOptions = {}): Promise<Spool> {
    const s = new Spool(paths, opts);
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
    await s.finishGap();
    return s;
  }

  /** A crash between writing a gap marker and deleting what it covers leaves covered files: delete them. */
  private async finishGap(): Promise<void> {
    const oldest = (await this.pendingSeqs())[0];
    if (oldest === undefined) return;
    let gap: Predicate['gap'];
    try {
      gap = spooledPredicate(await this.read(oldest)).gap;
    } catch {
      return; // not an envelope we can read: left for the collector to judge, as before
    }
    if (gap) for (const s of await this.pendingSeqs()) if (s > oldest && s <= gap.toSeq) await this.remove(s);
  }

  private remove(seq: number): Promise<void> {
    return unlink(fileOf(this.paths.spool, seq)).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
    });
  }

  /** Bytes held in the spool. */
  async bytes(): Promise<number> {
    let total = 0;
    for (const s of await this.pendingSeqs()) total += (await stat(fileOf(this.paths.spool, s)).catch(() => ({ size: 0 }))).size;
    return total;
  }

  /** Over maxBytes: replace the oldest unsent attestations (never the newest) by one signed gap marker. */
  private async enforceBound(): Promise<void> {
    const { maxBytes, gapMarker } = this.opts;
    if (!maxBytes || !gapMarker) return;
    const seqs = await this.pendingSeqs();
    const sizes = await Promise.all(seqs.map(async (s) => (await stat(fileOf(this.paths.spool, s))).size));
    let total = sizes.reduce((a, b) => a + b, 0);
    if (total <= maxBytes || seqs.length < 2) return;
    const MARKER_ROOM = 4096;
    let n = 0;
    let dropped = 0;
    while (n < seqs.length - 1 && total - dropped + MARKER_ROOM > maxBytes) dropped += sizes[n++]!;
    const firstText = await this.read(seqs[0]!);
    const lastText = n === 1 ? firstText : await this.read(seqs[n - 1]!);
    const first = spooledPredicate(firstText);
    const last = spooledPredicate(lastText);
    // A marker dropped again folds into the new one: its range and its bytes count.
    const gap: Gap = {
      fromSeq: seqs[0]!,
      toSeq: last.gap ? last.gap.toSeq : seqs[n - 1]!,
      previous: first.previous,
      lastHash: last.gap ? last.gap.lastHash : sha256(lastText),
      droppedBytes: dropped + (first.gap?.droppedBytes ?? 0),
      last,
    };
    total -= dropped;
    // Marker first (atomic replace of the oldest file), then the rest; finishGap() completes a crash here.
    await writeFileDurable(fileOf(this.paths.spool, gap.fromSeq), gapMarker(gap));
    for (const s of seqs.slice(1, n)) await this.remove(s);
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
    await this.enforceBound();
    await updateAgentStatus(this.paths, { lastCycleSeq: seq, lastCycleAt: new Date().toISOString() });
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
      await this.remove(s);
    }
    if (seq > 0) await updateAgentStatus(this.paths, { lastAckSeq: seq, lastAckAt: new Date().toISOString() });
  }
}
