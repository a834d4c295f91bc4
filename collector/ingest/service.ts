// Verification of one attestation, in the order DESIGN §2 gives: signature over the exact PAE bytes with
// the registered key, payload type, statement shape, subject, time window; then, in the database,
// sequence and previous-hash continuity and revocation. Evidence is stored verbatim and acked only after
// the commit.
//
// Group commit: CPU work (parse, verify, evaluate) runs as attestations arrive; the database part is
// queued and flushed in batches, one transaction per batch. Each attestation's continuity checks run
// before its first write, so a refused one leaves nothing behind, and every ack follows the commit that
// made it durable.
import { createHash } from 'node:crypto';
import { parseEnvelope, verifyEnvelope } from '../../protocol/dsse.js';
import { TAMPER_CODES, VigilError } from '../../protocol/errors.js';
import { PublicKeyCache } from '../../protocol/keys.js';
import { PAYLOAD_TYPE, parseStatement, type Statement } from '../../protocol/statement.js';
import { evaluateResult } from '../../protocol/checks/index.js';
import { checkPolicy, type Policy } from '../../protocol/policy.js';
import type { Db, Queryable } from '../db/types.js';
import { envelopesRepo, resultsRepo, streamDevicesRepo, tamperRepo, type StoredResult, type StreamDevice } from './repo.js';
import { checkStateRepo, transitionsRepo } from '../history/repo.js';
import { advance, type CheckState, type Transition } from '../history/state.js';
import type { AlertsService } from '../alerts/service.js';

export interface IngestLimits {
  maxClockSkewMs: number;
  maxEvidenceAgeMs: number;
}

export interface IngestOutcome {
  seq: number;
  duplicate: boolean;
}

interface Verified {
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

export const MAX_BATCH = 256;

export class IngestService {
  readonly keys = new PublicKeyCache();
  private queue: Verified[] = [];
  private flushing = false;

  constructor(
    private readonly db: Db,
    private readonly now: () => Date,
    private readonly limits: IngestLimits,
    private readonly policy: () => Policy,
    /** Alert detection runs in the ingest transaction: an alert commits with its evidence or not at all. */
    private readonly alerts: AlertsService | null = null,
  ) {}

  device(id: string): Promise<StreamDevice | undefined> {
    return streamDevicesRepo.byId(this.db, id);
  }

  async sessionStarted(id: string, skewMs: number): Promise<void> {
    await this.db.tx((q) => streamDevicesRepo.sessionStarted(q, id, this.now().toISOString(), skewMs));
  }

  /**
   * Verify and store one attestation from a device whose session is established (its key and role come
   * from the session; revocation and the chain are re-read in the transaction). Throws VigilError with a
   * code; tamper codes are recorded.
   */
  async ingest(device: StreamDevice, seq: number, envelopeText: string, remote: string): Promise<IngestOutcome> {
    const bytes = Buffer.from(envelopeText, 'utf8');
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    try {
      const { statement, results, policyVersion } = this.verify(device, seq, envelopeText);
      return await new Promise<IngestOutcome>((resolve, reject) => {
        this.queue.push({ deviceId: device.id, seq, bytes, sha256, statement, results, policyVersion, resolve, reject });
        if (!this.flushing) setImmediate(() => void this.flush());
      });
    } catch (err) {
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
        const outcomes: (IngestOutcome | VigilError)[] = [];
        try {
          await this.db.tx(async (q) => {
            for (const item of batch) {
              try {
                outcomes.push(await this.store(q, item));
              } catch (err) {
                // store() refuses before its first write, so a refusal leaves nothing behind.
                if (!(err instanceof VigilError)) throw err;
                outcomes.push(err);
              }
            }
          });
        } catch (err) {
          batch.forEach((item) => item.reject(err));
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

  private async store(q: Queryable, item: Verified): Promise<IngestOutcome> {
    const { deviceId, seq, sha256 } = item;
    const p = item.statement.predicate;
    const current = await streamDevicesRepo.byId(q, deviceId);
    if (!current) throw new VigilError('E_UNKNOWN_DEVICE');
    if (current.revoked_at) throw new VigilError('E_DEVICE_REVOKED');
    if (seq <= current.last_seq) {
      const stored = await envelopesRepo.hashAt(q, deviceId, seq);
      if (stored?.sha256 === sha256) return { seq, duplicate: true };
      throw new VigilError('E_SEQ_CONFLICT', `sequence ${seq} is already stored with different bytes`);
    }
    if (seq > current.last_seq + 1) throw new VigilError('E_SEQ_GAP', `expected sequence ${current.last_seq + 1}, got ${seq}`);
    const expectedPrevious = current.last_seq === 0 ? current.key_digest : current.last_hash;
    if (p.previous !== expectedPrevious) throw new VigilError('E_CHAIN_BREAK', `previous hash of sequence ${seq} does not match the stored chain`);

    const receivedAt = this.now().toISOString();
    // Stored times are UTC ISO-8601 with milliseconds so they compare lexically (as-of queries); the
    // device's own spelling stays in the signed envelope.
    const collectedAt = new Date(p.collectedAt).toISOString();
    await envelopesRepo.insert(q, { deviceId, seq, sha256, bytes: item.bytes, collectedAt, receivedAt, policyVersion: item.policyVersion });
    await resultsRepo.insertAll(q, deviceId, seq, collectedAt, item.results);
    const transitions = await this.recordHistory(q, deviceId, seq, collectedAt, item.results);
    const d = p.device;
    // A gap marker (the agent's spool was full) stands for the dropped sequences up to gap.toSeq: the chain
    // continues from the last dropped envelope's hash, and the marker stays stored as the record of the loss.
    const head = p.gap ? { seq: p.gap.toSeq, hash: p.gap.lastHash } : { seq, hash: sha256 };
    const advanced = await streamDevicesRepo.advance(q, deviceId, head.seq, head.hash, receivedAt, {
      hostname: d.hostname,
      osPlatform: d.os.platform,
      osName: d.os.name,
      osVersion: d.os.version,
      arch: d.arch,
      serial: d.serial ?? null,
      model: d.model ?? null,
      agentVersion: p.agent.version,
    }, seq - 1);
    // Cannot happen while transactions are serialised; kept as a guard (it fails the whole batch).
    if (advanced.changes !== 1) throw new Error(`device ${deviceId} sequence ${seq} raced with another writer`);
    await this.alerts?.onEvaluated(q, { deviceId, hostname: d.hostname, role: current.role, agent: p.agent, results: item.results, transitions });
    return { seq, duplicate: false };
  }

  /** First-failed / last-passed per check move in the same transaction as the evaluation they follow. */
  private async recordHistory(q: Queryable, deviceId: string, seq: number, collectedAt: string, results: StoredResult[]): Promise<Transition[]> {
    const previous = new Map((await checkStateRepo.forDevice(q, deviceId)).map((s) => [s.check_id, s]));
    const states: CheckState[] = [];
    const transitions: Transition[] = [];
    for (const r of results) {
      const next = advance(deviceId, previous.get(r.checkId), { checkId: r.checkId, seq, collectedAt, status: r.status, reason: r.reason });
      states.push(next.state);
      if (next.transition) transitions.push(next.transition);
    }
    await checkStateRepo.upsertAll(q, states);
    await transitionsRepo.insertAll(q, transitions);
    return transitions;
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
