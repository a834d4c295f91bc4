// Verification of one attestation, in the order DESIGN §2 gives: signature over the exact PAE bytes with
// the registered key, payload type, statement shape, subject, time window; then, in the database,
// sequence and previous-hash continuity and revocation. Evidence is stored verbatim and acked only after
// the commit.
//
// Group commit: CPU work (parse, verify, evaluate) runs as attestations arrive; the database part is
// queued and flushed in batches, one transaction per batch. Each attestation's continuity checks run
// before any write of the batch, so a refused one leaves nothing behind, and every ack follows the commit
// that made it durable. The attestations of one stream (a session) are taken in order; once one is
// refused, the rest of that stream is dropped (E_UNEXPECTED_MESSAGE, not a tamper event: the session is
// over and the agent resends from the collector's head).
import { createHash } from 'node:crypto';
import { parseEnvelope, verifyEnvelope } from '../../protocol/dsse.js';
import { TAMPER_CODES, VigilError } from '../../protocol/errors.js';
import { PublicKeyCache } from '../../protocol/keys.js';
import { PAYLOAD_TYPE, parseStatement, type Statement } from '../../protocol/statement.js';
import { evaluateResult } from '../../protocol/checks/index.js';
import { checkPolicy, type Policy } from '../../protocol/policy.js';
import type { Db, Queryable } from '../db/types.js';
import { envelopesRepo, resultsRepo, streamDevicesRepo, tamperRepo, type IngestDevice, type StoredResult, type StreamDevice } from './repo.js';
import { checkStateRepo, transitionsRepo } from '../history/repo.js';
import { advance, type CheckState, type Transition } from '../history/state.js';
import type { AlertsService } from '../alerts/service.js';
import { Coalescer } from './coalesce.js';

export interface IngestLimits {
  maxClockSkewMs: number;
  maxEvidenceAgeMs: number;
}

export interface IngestOutcome {
  seq: number;
  duplicate: boolean;
}

interface Verified {
  stream: object;
  deviceId: string;
  seq: number;
  bytes: Buffer;
  sha256: string;
  statement: Statement;
  results: StoredResult[];
  policyVersion: string;
  resolve(o: IngestOutcome): void;
  reject(err: unknown): void;
}

/** Device state during one batch: the stored row, then the head as the batch's accepted attestations move it. */
interface Head {
  row: IngestDevice;
  lastSeq: number;
  lastHash: string | null;
  /** Hashes of the sequences this batch accepted (a resend within the batch is a duplicate). */
  stored: Map<number, string>;
  accepted: Admitted[];
  /** Batch positions acked as duplicates of what this batch accepted: they stand or fall with it. */
  duplicates: number[];
}

interface Admitted {
  item: Verified;
  /** Position in the batch. */
  index: number;
  collectedAt: string;
}

export const MAX_BATCH = 256;

/** What a session sent after one of its attestations was refused: dropped, not checked, not tamper. */
const afterRefusal = (seq: number) => new VigilError('E_UNEXPECTED_MESSAGE', `sequence ${seq} follows a refused attestation of this session`);

export class IngestService {
  readonly keys = new PublicKeyCache();
  private queue: Verified[] = [];
  private flushing = false;
  /** Streams (sessions) with a refused attestation: what they sent after it is dropped, not checked. */
  private readonly refused = new WeakSet<object>();

  constructor(
    private readonly db: Db,
    private readonly now: () => Date,
    private readonly limits: IngestLimits,
    private readonly policy: () => Policy,
    /** Alert detection runs in the ingest transaction: an alert commits with its evidence or not at all. */
    private readonly alerts: AlertsService | null = null,
  ) {}

  /** Hellos arriving together (a reconnect storm) look their devices up in one query per batch. */
  private readonly lookups = new Coalescer<string, null, StreamDevice>(
    async (batch) => new Map((await streamDevicesRepo.byIds(this.db, [...batch.keys()])).map((d) => [d.id, d])),
  );
  /** ... and record their session starts in one transaction per batch. */
  private readonly starts = new Coalescer<string, { at: string; skewMs: number }, void>((batch) =>
    this.db.tx((q) => streamDevicesRepo.sessionsStarted(q, [...batch].map(([id, s]) => ({ id, ...s })))),
  );

  device(id: string): Promise<StreamDevice | undefined> {
    return this.lookups.call(id, null);
  }

  async sessionStarted(id: string, skewMs: number): Promise<void> {
    await this.starts.call(id, { at: this.now().toISOString(), skewMs });
  }

  /**
   * Verify and store one attestation from a device whose session is established (its key and role come
   * from the session; revocation and the chain are re-read in the transaction). Throws VigilError with a
   * code; tamper codes are recorded.
   */
  async ingest(device: StreamDevice, seq: number, envelopeText: string, remote: string, stream: object = {}): Promise<IngestOutcome> {
    if (this.refused.has(stream)) throw afterRefusal(seq);
    const bytes = Buffer.from(envelopeText, 'utf8');
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    try {
      const { statement, results, policyVersion } = this.verify(device, seq, envelopeText);
      return await new Promise<IngestOutcome>((resolve, reject) => {
        this.queue.push({ stream, deviceId: device.id, seq, bytes, sha256, statement, results, policyVersion, resolve, reject });
        if (!this.flushing) setImmediate(() => void this.flush());
      });
    } catch (err) {
      if (err instanceof VigilError && err.code === 'E_UNEXPECTED_MESSAGE') throw err;
      this.refused.add(stream);
      if (err instanceof VigilError && TAMPER_CODES.has(err.code)) {
        await this.recordTamper(device.id, err.code, seq, sha256, remote, err.message);
      }
      throw err;
    }
  }

  async recordTamper(deviceId: string | null, code: string, seq: number | null, bytesSha256: string | null, remote: string | null, detail: string): Promise<void> {
    await this.db.tx(async (q) => {
      await tamperRepo.insert(q, { at: this.now().toISOString(), deviceId, code, seq, bytesSha256, remote, detail: detail.slice(0, 2000) });
      await this.alerts?.onTamper(q, { deviceId, code, detail: detail.slice(0, 500), remote, seq });
    });
  }

  private verify(device: StreamDevice, seq: number, text: string): { statement: Statement; results: StoredResult[]; policyVersion: string } {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      throw new VigilError('E_BAD_ENVELOPE', 'envelope is not valid JSON');
    }
    const env = parseEnvelope(raw);
    const body = verifyEnvelope(env, this.keys.get(device.public_key_pem), PAYLOAD_TYPE);
    let statementRaw: unknown;
    try {
      statementRaw = JSON.parse(body.toString('utf8'));
    } catch {
      throw new VigilError('E_BAD_STATEMENT', 'signed payload is not valid JSON');
    }
    const statement = parseStatement(statementRaw);
    const p = statement.predicate;
    if (statement.subject[0]!.digest.sha256 !== device.key_digest) throw new VigilError('E_SUBJECT_MISMATCH');
    if (p.sequence !== seq) throw new VigilError('E_SEQ_MISMATCH', `message says sequence ${seq}, signed statement says ${p.sequence}`);
    if (p.gap && p.gap.toSeq < seq) throw new VigilError('E_BAD_STATEMENT', `gap marker ${seq} ends before it starts (${p.gap.toSeq})`);
    const now = this.now().getTime();
    const collected = Date.parse(p.collectedAt);
    if (!Number.isFinite(collected) || collected > now + this.limits.maxClockSkewMs || collected < now - this.limits.maxEvidenceAgeMs) {
      throw new VigilError('E_TIME_WINDOW', `collectedAt ${p.collectedAt} is outside the accepted window`);
    }
    const policy = this.policy();
    return { statement, results: this.evaluate(statement, device.role, policy), policyVersion: policy.version };
  }

  private async flush(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      while (this.queue.length) {
        const batch = this.queue.splice(0, MAX_BATCH);
        let outcomes: (IngestOutcome | VigilError)[];
        try {
          outcomes = await this.db.tx((q) => this.storeBatch(q, batch));
        } catch (err) {
          batch.forEach((item) => {
            this.refused.add(item.stream);
            item.reject(err);
          });
          continue;
        }
        batch.forEach((item, i) => {
          const o = outcomes[i]!;
          if (o instanceof VigilError) item.reject(o);
          else item.resolve(o);
        });
      }
    } finally {
      this.flushing = false;
    }
  }

  /**
   * One transaction for a batch. Continuity is decided per attestation, in arrival order, against the
   * device rows read (on PostgreSQL: locked) at the start; a refused attestation writes nothing, and the
   * accepted ones are written together: each device row advanced once, then envelopes, results, history
   * and alerts in a few multi-row statements.
   */
  private async storeBatch(q: Queryable, batch: Verified[]): Promise<(IngestOutcome | VigilError)[]> {
    const outcomes: (IngestOutcome | VigilError)[] = new Array(batch.length);
    const ids = [...new Set(batch.map((i) => i.deviceId))].sort();
    const heads = new Map<string, Head>();
    for (const row of await streamDevicesRepo.forIngest(q, ids, this.db.kind === 'pg')) {
      heads.set(row.id, { row, lastSeq: row.last_seq, lastHash: row.last_hash, stored: new Map(), accepted: [], duplicates: [] });
    }
    const receivedAt = this.now().toISOString();
    batch.forEach((item, i) => {
      if (this.refused.has(item.stream)) outcomes[i] = afterRefusal(item.seq);
    });
    for (let i = 0; i < batch.length; i++) {
      if (outcomes[i]) continue;
      const item = batch[i]!;
      try {
        const duplicate = await this.admit(q, heads.get(item.deviceId), item, i);
        if (duplicate) outcomes[i] = duplicate;
      } catch (err) {
        if (!(err instanceof VigilError)) throw err;
        this.refused.add(item.stream);
        outcomes[i] = err;
        // What this stream sent after the refused one is not checked against a chain it no longer continues.
        for (let j = i + 1; j < batch.length; j++) {
          if (batch[j]!.stream === item.stream && !outcomes[j]) outcomes[j] = afterRefusal(batch[j]!.seq);
        }
      }
    }
    const moving = [...heads.values()].filter((h) => h.accepted.length);
    const moved = await streamDevicesRepo.advanceAll(
      q,
      moving.map((head) => {
        const last = head.accepted[head.accepted.length - 1]!.item.statement.predicate;
        const d = last.device;
        return {
          id: head.row.id,
          seq: head.lastSeq,
          hash: head.lastHash!,
          at: receivedAt,
          device: { hostname: d.hostname, osPlatform: d.os.platform, osName: d.os.name, osVersion: d.os.version, arch: d.arch, serial: d.serial ?? null, model: d.model ?? null, agentVersion: last.agent.version },
          expectedLastSeq: head.row.last_seq,
        };
      }),
    );
    const accepted: Admitted[] = [];
    for (const head of moving) {
      if (!moved.has(head.row.id)) {
        // Another writer moved this device since it was read. Not possible while transactions on a device
        // are serialised (SQLite, or the row lock on PostgreSQL); if it happens, these attestations are
        // refused before any write of theirs and the agent sends them again.
        for (const index of [...head.accepted.map((a) => a.index), ...head.duplicates]) {
          this.refused.add(batch[index]!.stream);
          outcomes[index] = new VigilError('E_SEQ_RACE', `device ${head.row.id} sequence ${batch[index]!.seq} raced with another writer`);
        }
        continue;
      }
      accepted.push(...head.accepted);
    }
    if (!accepted.length) return outcomes;
    accepted.sort((a, b) => a.index - b.index);
    await envelopesRepo.insertAll(
      q,
      accepted.map(({ item, collectedAt }) => ({ deviceId: item.deviceId, seq: item.seq, sha256: item.sha256, bytes: item.bytes, collectedAt, receivedAt, policyVersion: item.policyVersion })),
    );
    await resultsRepo.insertAll(q, accepted.map(({ item, collectedAt }) => ({ deviceId: item.deviceId, seq: item.seq, collectedAt, results: item.results })));
    const transitions = await this.recordHistory(q, accepted);
    await this.alerts?.onEvaluatedBatch(
      q,
      accepted.map(({ item }, k) => {
        const p = item.statement.predicate;
        const row = heads.get(item.deviceId)!.row;
        return { deviceId: item.deviceId, hostname: p.device.hostname, role: row.role, site: row.site, agent: p.agent, results: item.results, transitions: transitions[k]! };
      }),
    );
    for (const a of accepted) outcomes[a.index] = { seq: a.item.seq, duplicate: false };
    return outcomes;
  }

  /**
   * Continuity of one attestation against its device's head (as stored, plus what this batch accepted
   * before it). Returns the outcome of a duplicate, or null after accepting it into the head.
   */
  private async admit(q: Queryable, head: Head | undefined, item: Verified, index: number): Promise<IngestOutcome | null> {
    const { deviceId, seq, sha256 } = item;
    const p = item.statement.predicate;
    if (!head) throw new VigilError('E_UNKNOWN_DEVICE');
    if (head.row.revoked_at) throw new VigilError('E_DEVICE_REVOKED');
    if (seq <= head.lastSeq) {
      const inBatch = head.stored.get(seq);
      const stored = inBatch ?? (await envelopesRepo.hashAt(q, deviceId, seq))?.sha256;
      if (stored === sha256) {
        if (inBatch) head.duplicates.push(index);
        return { seq, duplicate: true };
      }
      throw new VigilError('E_SEQ_CONFLICT', `sequence ${seq} is already stored with different bytes`);
    }
    if (seq > head.lastSeq + 1) throw new VigilError('E_SEQ_GAP', `expected sequence ${head.lastSeq + 1}, got ${seq}`);
    const expectedPrevious = head.lastSeq === 0 ? head.row.key_digest : head.lastHash;
    if (p.previous !== expectedPrevious) throw new VigilError('E_CHAIN_BREAK', `previous hash of sequence ${seq} does not match the stored chain`);
    // Stored times are UTC ISO-8601 with milliseconds so they compare lexically (as-of queries); the
    // device's own spelling stays in the signed envelope.
    const collectedAt = new Date(p.collectedAt).toISOString();
    // A gap marker (the agent's spool was full) stands for the dropped sequences up to gap.toSeq: the chain
    // continues from the last dropped envelope's hash, and the marker stays stored as the record of the loss.
    head.stored.set(seq, sha256);
    head.lastSeq = p.gap ? p.gap.toSeq : seq;
    head.lastHash = p.gap ? p.gap.lastHash : sha256;
    head.accepted.push({ item, index, collectedAt });
    return null;
  }

  /**
   * First-failed / last-passed per check move in the same transaction as the evaluations they follow: one
   * read of the batch's devices' states, the attestations applied in order, one upsert of the final states.
   * Returns each attestation's transitions.
   */
  private async recordHistory(q: Queryable, accepted: readonly Admitted[]): Promise<Transition[][]> {
    const deviceIds = [...new Set(accepted.map((a) => a.item.deviceId))];
    const states = new Map<string, CheckState>();
    for (const s of await checkStateRepo.forDevices(q, deviceIds)) states.set(`${s.device_id}\n${s.check_id}`, s);
    const changed = new Map<string, CheckState>();
    const all: Transition[] = [];
    const out = accepted.map(({ item, collectedAt }) => {
      const transitions: Transition[] = [];
      for (const r of item.results) {
        const key = `${item.deviceId}\n${r.checkId}`;
        const next = advance(item.deviceId, states.get(key), { checkId: r.checkId, seq: item.seq, collectedAt, status: r.status, reason: r.reason });
        states.set(key, next.state);
        changed.set(key, next.state);
        if (next.transition) transitions.push(next.transition);
      }
      all.push(...transitions);
      return transitions;
    });
    await checkStateRepo.upsertAll(q, [...changed.values()]);
    await transitionsRepo.insertAll(q, all);
    return out;
  }

  /** The collector's evaluation is authoritative: facts are re-evaluated under the collector's policy. */
  private evaluate(statement: Statement, role: string, policy: Policy): StoredResult[] {
    const ctx = { collectedAt: statement.predicate.collectedAt, role };
    const seen = new Set<string>();
    const out: StoredResult[] = [];
    for (const c of statement.predicate.checks) {
      if (seen.has(c.id)) throw new VigilError('E_BAD_STATEMENT', `check ${c.id} appears twice`);
      seen.add(c.id);
      const cp = checkPolicy(policy, role, c.id);
      const verdict = cp && !cp.enabled ? { status: 'not_applicable' as const, reason: `disabled by policy for role ${role}` } : evaluateResult(c, cp?.params, ctx);
      out.push({
        checkId: c.id,
        status: verdict.status,
        reason: verdict.reason ?? null,
        agentStatus: c.status,
        agentReason: c.reason ?? null,
        factsJson: c.facts === undefined ? null : JSON.stringify(c.facts),
      });
    }
    return out;
  }
}
