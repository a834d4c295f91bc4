// Verification of one attestation, in the order DESIGN §2 gives: signature over the exact PAE bytes
// with the registered key, payload type, statement shape, subject, sequence and previous-hash continuity,
// time window, device not revoked. Evidence is stored verbatim and acked only after the commit.
import { createHash } from 'node:crypto';
import { parseEnvelope, verifyEnvelope } from '../../protocol/dsse.js';
import { TAMPER_CODES, VigilError } from '../../protocol/errors.js';
import { PublicKeyCache } from '../../protocol/keys.js';
import { PAYLOAD_TYPE, parseStatement, type Statement } from '../../protocol/statement.js';
import { evaluateResult } from '../../protocol/checks/index.js';
import { checkPolicy, type Policy } from '../../protocol/policy.js';
import type { Db } from '../db/types.js';
import { envelopesRepo, resultsRepo, streamDevicesRepo, tamperRepo, type StoredResult, type StreamDevice } from './repo.js';

export interface IngestLimits {
  maxClockSkewMs: number;
  maxEvidenceAgeMs: number;
}

export interface IngestOutcome {
  seq: number;
  duplicate: boolean;
}

export class IngestService {
  readonly keys = new PublicKeyCache();

  constructor(
    private readonly db: Db,
    private readonly now: () => Date,
    private readonly limits: IngestLimits,
    private readonly policy: () => Policy,
  ) {}

  device(id: string): Promise<StreamDevice | undefined> {
    return streamDevicesRepo.byId(this.db, id);
  }

  /** Verify and store one attestation. Throws VigilError with a code; tamper codes are recorded. */
  async ingest(deviceId: string, seq: number, envelopeText: string, remote: string): Promise<IngestOutcome> {
    const bytes = Buffer.from(envelopeText, 'utf8');
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    try {
      return await this.verifyAndStore(deviceId, seq, envelopeText, bytes, sha256);
    } catch (err) {
      if (err instanceof VigilError && TAMPER_CODES.has(err.code)) {
        await this.recordTamper(deviceId, err.code, seq, sha256, remote, err.message);
      }
      throw err;
    }
  }

  async recordTamper(deviceId: string | null, code: string, seq: number | null, bytesSha256: string | null, remote: string | null, detail: string): Promise<void> {
    await this.db.tx((q) =>
      tamperRepo.insert(q, { at: this.now().toISOString(), deviceId, code, seq, bytesSha256, remote, detail: detail.slice(0, 2000) }),
    );
  }

  private async verifyAndStore(deviceId: string, seq: number, text: string, bytes: Buffer, sha256: string): Promise<IngestOutcome> {
    const device = await streamDevicesRepo.byId(this.db, deviceId);
    if (!device) throw new VigilError('E_UNKNOWN_DEVICE');
    if (device.revoked_at) throw new VigilError('E_DEVICE_REVOKED');

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

    const now = this.now();
    const collected = Date.parse(p.collectedAt);
    if (!Number.isFinite(collected) || collected > now.getTime() + this.limits.maxClockSkewMs || collected < now.getTime() - this.limits.maxEvidenceAgeMs) {
      throw new VigilError('E_TIME_WINDOW', `collectedAt ${p.collectedAt} is outside the accepted window`);
    }

    const policy = this.policy();
    const results = this.evaluate(statement, device.role, policy);

    return this.db.tx(async (q) => {
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

      const receivedAt = now.toISOString();
      await envelopesRepo.insert(q, { deviceId, seq, sha256, bytes, collectedAt: p.collectedAt, receivedAt, policyVersion: policy.version });
      await resultsRepo.insertAll(q, deviceId, seq, p.collectedAt, results);
      const d = p.device;
      const advanced = await streamDevicesRepo.advance(q, deviceId, seq, sha256, receivedAt, {
        hostname: d.hostname,
        osPlatform: d.os.platform,
        osName: d.os.name,
        osVersion: d.os.version,
        arch: d.arch,
        serial: d.serial ?? null,
        model: d.model ?? null,
        agentVersion: p.agent.version,
      });
      if (advanced.changes !== 1) throw new VigilError('E_SEQ_CONFLICT', `sequence ${seq} raced with another writer`);
      return { seq, duplicate: false };
    });
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
