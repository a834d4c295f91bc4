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
//
// Opened by the agent itself (with a gap marker), the spool is checked before anything is sent: tmp files
// left by a killed agent are removed, and an entry that is not a readable envelope of its own sequence
// (torn by a power cut on a filesystem that reorders writes, or damaged on disk) is moved to spool/corrupt/
// with a log line, never sent. A damaged newest entry was never sent (it is written before sending), so
// the chain head goes back to the entry before it and the next attestation takes its sequence again.
// A full disk is E_DISK_FULL: the attestation is not written, nothing older is touched, and the next
// cycle tries again.
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { VigilError } from '../protocol/errors.js';
import { signEnvelope } from '../protocol/dsse.js';
import { canonicalBytes } from '../protocol/jcs.js';
import { PAYLOAD_TYPE, buildStatement, type Predicate } from '../protocol/statement.js';
import type { DeviceKey } from './keystore.js';
import { TMP_FILE, isDiskFull, updateAgentStatus, writeFileDurable, type StatePaths } from './state.js';

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
  /** Where repairs and status-file failures are reported (the agent's log). */
  log?: (line: string) => void;
}

/** Whether a process with this id still runs (its tmp files may still be written). */
function running(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Why a spooled text is not an envelope of sequence seq, or null when it is one. */
function spoolDamage(text: string, seq: number): string | null {
  try {
    const env = JSON.parse(text) as { payload?: unknown; signatures?: unknown };
    if (typeof env.payload !== 'string' || !Array.isArray(env.signatures) || env.signatures.length === 0) return 'not a DSSE envelope';
    const p = spooledPredicate(text);
    if (p.sequence !== seq) return `holds sequence ${String(p.sequence)}`;
    if (typeof p.previous !== 'string') return 'has no previous-envelope hash';
    return null;
  } catch (err) {
    return `unreadable (${(err as Error).message})`;
  }
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
  /** chain.json is behind the head (its write failed: disk full); the newest entry is kept until it is saved. */
  private headDirty = false;
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
    // Only the agent that sends (it passes a gap marker) repairs; `vigil-agent status` just looks.
    if (opts.gapMarker) {
      await s.removeStaleTmp();
      await s.quarantineDamaged();
    }
    const seqs = await s.pendingSeqs();
    const newest = seqs.at(-1);
    if (newest !== undefined && newest > s.head.lastSeq) {
      const bytes = await readFile(fileOf(paths.spool, newest));
      s.head = { lastSeq: newest, lastHash: sha256(bytes) };
      // Disk full here must not keep the agent from starting: the entry stays until chain.json is saved.
      await s.saveHead().catch((err: Error) => {
        if (!isDiskFull(err)) throw err;
        s.opts.log?.(`spool: E_DISK_FULL: chain.json not saved (${err.message}); the chain head is kept in spool/`);
      });
    }
    await s.finishGap();
    return s;
  }

  /** Tmp files of agents that were killed mid-write (SIGKILL, power cut): never renamed, only taking space. */
  private async removeStaleTmp(): Promise<void> {
    for (const dir of [this.paths.root, this.paths.spool]) {
      for (const name of await readdir(dir).catch(() => [] as string[])) {
        const m = TMP_FILE.exec(name);
        if (!m || running(Number(m[1]))) continue;
        await unlink(join(dir, name)).catch(() => undefined);
        this.opts.log?.(`spool: removed ${name}, left by an agent stopped while writing it`);
      }
    }
  }

  /**
   * Damaged entries go to spool/corrupt/ (kept for inspection, never sent). When the newest ones were
   * damaged, the head goes back to the newest intact entry, or to chain.json when it is older still.
   */
  private async quarantineDamaged(): Promise<void> {
    const seqs = await this.pendingSeqs();
    const damaged: number[] = [];
    for (const seq of seqs) {
      const why = spoolDamage(await this.read(seq), seq);
      if (!why) continue;
      const corrupt = join(this.paths.spool, 'corrupt');
      await mkdir(corrupt, { recursive: true, mode: 0o700 });
      const name = `${String(seq).padStart(12, '0')}.json`;
      await rename(fileOf(this.paths.spool, seq), join(corrupt, `${name}.${Date.now()}`));
      damaged.push(seq);
      this.opts.log?.(`spool: entry ${seq} is damaged (${why}); moved to ${corrupt}, not sent`);
    }
    if (!damaged.length) return;
    const intact = (await this.pendingSeqs()).at(-1) ?? 0;
    const firstLost = damaged.find((d) => d > intact);
    if (firstLost === undefined) {
      this.opts.log?.(`spool: entries after a damaged one link to an envelope that is gone; the collector will record the gap`);
      return;
    }
    if (intact > 0) this.head = { lastSeq: intact, lastHash: sha256(await readFile(fileOf(this.paths.spool, intact))) };
    else if (this.head.lastSeq >= firstLost) {
      this.opts.log?.(`spool: the chain head (sequence ${this.head.lastSeq}) is a damaged entry and nothing before it is spooled; the collector will record the gap`);
      return;
    }
    this.opts.log?.(`spool: chain head is now sequence ${this.head.lastSeq}; the next attestation takes sequence ${this.head.lastSeq + 1}`);
    await this.saveHead();
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
    // The session deletes acked entries meanwhile: a file gone since readdir is simply not counted.
    const entries = (
      await Promise.all(
        (await this.pendingSeqs()).map(async (s) => {
          const st = await stat(fileOf(this.paths.spool, s)).catch((err: NodeJS.ErrnoException) => {
            if (err.code === 'ENOENT') return null;
            throw err;
          });
          return st ? { seq: s, size: st.size } : null;
        }),
      )
    ).filter((e): e is { seq: number; size: number } => e !== null);
    const seqs = entries.map((e) => e.seq);
    const sizes = entries.map((e) => e.size);
    let total = sizes.reduce((a, b) => a + b, 0);
    if (total <= maxBytes || seqs.length < 2) return;
    const MARKER_ROOM = 4096;
    let n = 0;
    let dropped = 0;
    while (n < seqs.length - 1 && total - dropped + MARKER_ROOM > maxBytes) dropped += sizes[n++]!;
    let firstText: string;
    let lastText: string;
    try {
      firstText = await this.read(seqs[0]!);
      lastText = n === 1 ? firstText : await this.read(seqs[n - 1]!);
    } catch (err) {
      // Acked while we looked: the spool shrank, and the next append measures again.
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
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

  private async saveHead(): Promise<void> {
    try {
      await writeFileDurable(this.paths.chain, JSON.stringify(this.head));
      this.headDirty = false;
    } catch (err) {
      this.headDirty = true;
      throw err;
    }
  }

  /**
   * Appends the envelope for the next sequence and advances the chain head. Disk full: E_DISK_FULL and
   * nothing changes (the entry is not written, or, when only chain.json could not be, it is recovered from
   * the entry on the next open).
   */
  async append(seq: number, envelopeText: string): Promise<void> {
    if (seq !== this.head.lastSeq + 1) throw new VigilError('E_STATE_CORRUPT', `spool expected sequence ${this.head.lastSeq + 1}, got ${seq}`);
    const bytes = Buffer.from(envelopeText, 'utf8');
    try {
      await writeFileDurable(fileOf(this.paths.spool, seq), bytes);
    } catch (err) {
      if (isDiskFull(err)) throw new VigilError('E_DISK_FULL', `no space left in ${this.paths.spool}: attestation ${seq} was not spooled (${(err as Error).message}); the agent keeps running and spools again when space returns`);
      throw err;
    }
    this.head = { lastSeq: seq, lastHash: sha256(bytes) };
    try {
      await this.saveHead();
      await this.enforceBound();
    } catch (err) {
      // The entry is spooled and will be sent; chain.json catches up from it (open() or the next append).
      if (isDiskFull(err)) this.opts.log?.(`spool: E_DISK_FULL: attestation ${seq} is spooled but ${(err as Error).message}`);
      else throw err;
    }
    await this.status({ lastCycleSeq: seq, lastCycleAt: new Date().toISOString() });
  }

  /** status.json is a display: failing to rewrite it (disk full) is logged, never fatal to the spool. */
  /** status.json updates in call order: two acks written at once must not land newest first. */
  private statusWrites: Promise<void> = Promise.resolve();
  private lastAcked = 0;

  private status(patch: Parameters<typeof updateAgentStatus>[1]): Promise<void> {
    this.statusWrites = this.statusWrites.then(() =>
      updateAgentStatus(this.paths, patch).catch((err: NodeJS.ErrnoException) => {
        this.opts.log?.(`status.json not updated: ${isDiskFull(err) ? 'E_DISK_FULL ' : ''}${err.message}`);
      }),
    );
    return this.statusWrites;
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
    if (this.headDirty) {
      await this.saveHead().catch((err: Error) => this.opts.log?.(`spool: chain.json still not saved: ${isDiskFull(err) ? 'E_DISK_FULL ' : ''}${err.message}`));
    }
    // The status first: once an entry's file is gone, `run --once` may see an empty spool and exit, and
    // `status` must then already say it was acked. (A crash in between leaves an entry the collector
    // confirms as stored at the next welcome.)
    if (seq > this.lastAcked) {
      this.lastAcked = seq;
      await this.status({ lastAckSeq: seq, lastAckAt: new Date().toISOString() });
    }
    for (const s of await this.pendingSeqs()) {
      if (s > seq) break;
      // While chain.json lags, the entry at the head is where the next open() finds the chain head: a
      // restart with neither would reuse sequences the collector already holds.
      if (this.headDirty && s === this.head.lastSeq) break;
      await this.remove(s);
    }
  }
}
