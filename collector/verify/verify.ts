// Offline verification of an evidence archive, for an auditor who trusts neither the collector nor its
// operator: only the archive, the devices' signatures and a fingerprint obtained out of band.
//
//   1. manifest.dsse.json verifies with export-signing-key.pem, its payload is byte for byte
//      manifest.json, and manifest.json names that key's fingerprint;
//   2. every file in the archive is listed with its exact size and SHA-256, and every listed file is there;
//   3. each device record's key hashes to its recorded digest;
//   4. each envelope's DSSE signature verifies with its device's key, its payload is an in-toto statement
//      whose subject is that key's digest and whose sequence is the one in its file name;
//   5. each device's envelopes form an unbroken run of its hash chain: consecutive sequences, each one's
//      `previous` = sha256 of the bytes of the one before (for sequence 1, the key digest).
// Every problem is reported with its code, the file and the device it concerns; nothing stops at the
// first. Standalone: protocol/, node built-ins and tar; no database, no network.
import { createHash, type KeyObject } from 'node:crypto';
import { parseEnvelope, verifyEnvelope } from '../../protocol/dsse.js';
import { VigilError, type ErrorCode } from '../../protocol/errors.js';
import {
  ARCHIVE_PATHS,
  MANIFEST_PAYLOAD_TYPE,
  UNLISTED_FILES,
  devicePath,
  envelopePath,
  parseDevicePath,
  parseDeviceRecord,
  parseEnvelopePath,
  parseManifest,
  type DeviceRecord,
  type Manifest,
} from '../../protocol/evidence-archive.js';
import { importP256PublicKey, publicKeyDigest } from '../../protocol/keys.js';
import { PAYLOAD_TYPE, parseStatement } from '../../protocol/statement.js';
import { ArchiveError, walkArchive, type ArchiveEntry } from './archive.js';

export interface Problem {
  code: ErrorCode;
  file: string | null;
  device: string | null;
  message: string;
}

export interface DeviceReport {
  id: string;
  hostname: string;
  envelopes: number;
  /** Runs of consecutive sequences, as the manifest gives them. */
  runs: [number, number][];
  signatures: 'ok' | 'bad';
  /** ok: every run complete and linked; none: no envelopes for this device. */
  chain: 'ok' | 'broken' | 'none';
}

export interface VerifyReport {
  ok: boolean;
  file: string;
  exportId: string | null;
  period: { from: string; to: string } | null;
  envelopeSelection: string | null;
  /** sha256 of the key that signed the manifest (verified or not: see problems). */
  signingKey: string | null;
  files: number;
  envelopes: number;
  devices: DeviceReport[];
  problems: Problem[];
}

interface EnvelopeFacts {
  sha256: string;
  previous: string | null;
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/**
 * expectedKey: the signing-key fingerprint (sha256 hex of the SPKI DER) the auditor got from the operator
 * out of band; without it the key in the archive is reported but not pinned.
 */
export async function verifyArchive(file: string, opts: { expectedKey?: string } = {}): Promise<VerifyReport> {
  const problems: Problem[] = [];
  const report = (code: ErrorCode, f: string | null, device: string | null, message: string) => problems.push({ code, file: f, device, message });
  const deviceOf = (path: string) => parseDevicePath(path) ?? parseEnvelopePath(path)?.deviceId ?? null;
  const result: VerifyReport = { ok: false, file, exportId: null, period: null, envelopeSelection: null, signingKey: null, files: 0, envelopes: 0, devices: [], problems };

  // Pass 1: hash everything; keep the manifest, its signature, the key and the device records.
  const entries = new Map<string, ArchiveEntry>();
  const keepSmall = (p: string) => p === ARCHIVE_PATHS.manifest || p === ARCHIVE_PATHS.manifestDsse || p === ARCHIVE_PATHS.signingKey || parseDevicePath(p) !== null;
  try {
    await walkArchive(file, keepSmall, (e) => entries.set(e.path, e));
  } catch (err) {
    report('E_ARCHIVE', null, null, err instanceof ArchiveError ? err.message : `cannot read the archive: ${(err as Error).message}`);
    return result;
  }
  result.files = entries.size;

  const manifest = checkManifest(entries, report, result);
  if (opts.expectedKey !== undefined && result.signingKey !== null && result.signingKey !== opts.expectedKey) {
    report('E_MANIFEST_SIGNATURE', ARCHIVE_PATHS.signingKey, null, `the manifest is signed by key sha256:${result.signingKey}, not by the expected sha256:${opts.expectedKey}`);
  }
  if (!manifest) return result;

  // Every file listed, present and identical; nothing else.
  const listed = new Map(manifest.files.map((f) => [f.path, f]));
  for (const f of manifest.files) {
    const e = entries.get(f.path);
    if (!e) report('E_FILE_MISSING', f.path, deviceOf(f.path), 'listed in the manifest but not in the archive');
    else if (e.size !== f.size || e.sha256 !== f.sha256) {
      report('E_FILE_MISMATCH', f.path, deviceOf(f.path), e.size !== f.size ? `size ${e.size}, the manifest says ${f.size}` : `sha256 ${e.sha256}, the manifest says ${f.sha256}`);
    }
  }
  for (const path of entries.keys()) {
    if (!listed.has(path) && !UNLISTED_FILES.has(path)) report('E_FILE_UNLISTED', path, deviceOf(path), 'in the archive but not in the manifest');
  }

  // Device records and their keys.
  const keys = new Map<string, { record: DeviceRecord; key: KeyObject }>();
  const manifestDevices = new Map(manifest.devices.map((d) => [d.id, d]));
  for (const d of manifest.devices) {
    const path = devicePath(d.id);
    const bytes = entries.get(path)?.bytes;
    if (!bytes) {
      if (!listed.has(path)) report('E_FILE_MISSING', path, d.id, 'the manifest names this device but lists no device record');
      continue;
    }
    try {
      const record = parseDeviceRecord(JSON.parse(bytes.toString('utf8')));
      if (record.id !== d.id) throw new VigilError('E_ARCHIVE', `record is for ${record.id}`);
      const key = importP256PublicKey(record.publicKeyPem);
      if (publicKeyDigest(key) !== record.keyDigest) {
        report('E_DEVICE_KEY', path, d.id, `public key hashes to ${publicKeyDigest(key)}, the record says ${record.keyDigest}`);
        continue;
      }
      keys.set(d.id, { record, key });
    } catch (err) {
      report(err instanceof VigilError ? (err.code === 'E_KEY_INVALID' ? 'E_DEVICE_KEY' : 'E_ARCHIVE') : 'E_ARCHIVE', path, d.id, `device record is unusable: ${(err as Error).message}`);
    }
  }

  // Pass 2: every envelope against its device key; chain facts kept small (two hashes per envelope).
  const chains = new Map<string, Map<number, EnvelopeFacts>>();
  const badSignature = new Set<string>();
  try {
    await walkArchive(file, (p) => parseEnvelopePath(p) !== null, (e) => {
      const where = parseEnvelopePath(e.path);
      if (!where || !e.bytes) return;
      result.envelopes++;
      const { deviceId, seq } = where;
      const dev = manifestDevices.get(deviceId);
      if (!dev || !dev.runs.some(([first, last]) => seq >= first && seq <= last)) {
        report('E_FILE_UNLISTED', e.path, deviceId, 'envelope outside the sequences the manifest gives for this device');
        return;
      }
      const device = keys.get(deviceId);
      if (!device) {
        badSignature.add(deviceId);
        report('E_DEVICE_KEY', e.path, deviceId, 'no usable device key to check this envelope with');
        return;
      }
      const facts = checkEnvelope(e.path, e.bytes, seq, device.record, device.key, report);
      if (!facts) badSignature.add(deviceId);
      const chain = chains.get(deviceId) ?? new Map<number, EnvelopeFacts>();
      chain.set(seq, facts ?? { sha256: sha256(e.bytes), previous: null });
      chains.set(deviceId, chain);
    });
  } catch (err) {
    report('E_ARCHIVE', null, null, `the archive changed or became unreadable during verification: ${(err as Error).message}`);
  }

  // Chains: every run complete, each envelope linked to the one before it in the run.
  for (const d of manifest.devices) {
    const chain = chains.get(d.id) ?? new Map<number, EnvelopeFacts>();
    let broken = false;
    const shape = runsProblem(d.runs, manifest.envelopeSelection);
    if (shape) {
      broken = true;
      report('E_SEQ_GAP', ARCHIVE_PATHS.manifest, d.id, shape);
    }
    for (const [first, last] of shape ? [] : d.runs) {
      for (let seq = first; seq <= last; seq++) {
        const cur = chain.get(seq);
        if (!cur) {
          broken = true;
          if (entries.has(envelopePath(d.id, seq))) continue; // present but unusable: already reported
          report('E_SEQ_GAP', envelopePath(d.id, seq), d.id, `sequence ${seq} is missing: the run ${first}-${last} of the chain is broken`);
          continue;
        }
        if (cur.previous === null) {
          broken = true; // its signature or statement failed: already reported
          continue;
        }
        const expected = seq === 1 ? keys.get(d.id)?.record.keyDigest : seq > first ? chain.get(seq - 1)?.sha256 : undefined;
        if (expected !== undefined && cur.previous !== expected) {
          broken = true;
          report('E_CHAIN_BREAK', envelopePath(d.id, seq), d.id, `previous-envelope hash ${cur.previous} does not match ${seq === 1 ? 'the device key digest' : `sequence ${seq - 1} (${expected})`}`);
        }
      }
    }
    const record = keys.get(d.id)?.record;
    result.devices.push({
      id: d.id,
      hostname: record?.hostname ?? '?',
      envelopes: chain.size,
      runs: d.runs,
      signatures: badSignature.has(d.id) ? 'bad' : 'ok',
      chain: d.runs.length === 0 ? 'none' : broken ? 'broken' : 'ok',
    });
  }
  result.ok = problems.length === 0;
  return result;
}

function checkManifest(entries: ReadonlyMap<string, ArchiveEntry>, report: (c: ErrorCode, f: string | null, d: string | null, m: string) => void, result: VerifyReport): Manifest | null {
  const manifestBytes = entries.get(ARCHIVE_PATHS.manifest)?.bytes;
  const dsseBytes = entries.get(ARCHIVE_PATHS.manifestDsse)?.bytes;
  const keyBytes = entries.get(ARCHIVE_PATHS.signingKey)?.bytes;
  for (const [path, bytes] of [[ARCHIVE_PATHS.manifest, manifestBytes], [ARCHIVE_PATHS.manifestDsse, dsseBytes], [ARCHIVE_PATHS.signingKey, keyBytes]] as const) {
    if (!bytes) report('E_FILE_MISSING', path, null, 'required to verify the archive');
  }
  if (!manifestBytes || !dsseBytes || !keyBytes) return null;

  let key: KeyObject;
  try {
    key = importP256PublicKey(keyBytes.toString('utf8'));
  } catch {
    report('E_MANIFEST_SIGNATURE', ARCHIVE_PATHS.signingKey, null, 'not an ECDSA P-256 public key');
    return null;
  }
  result.signingKey = publicKeyDigest(key);
  try {
    const env = parseEnvelope(JSON.parse(dsseBytes.toString('utf8')));
    const payload = verifyEnvelope(env, key, MANIFEST_PAYLOAD_TYPE);
    if (!payload.equals(manifestBytes)) {
      report('E_MANIFEST_SIGNATURE', ARCHIVE_PATHS.manifest, null, 'differs from the signed payload in manifest.dsse.json');
      return null;
    }
  } catch (err) {
    report('E_MANIFEST_SIGNATURE', ARCHIVE_PATHS.manifestDsse, null, `signature does not verify with export-signing-key.pem (${(err as Error).message})`);
    return null;
  }
  let manifest: Manifest;
  try {
    manifest = parseManifest(JSON.parse(manifestBytes.toString('utf8')));
  } catch (err) {
    report('E_ARCHIVE', ARCHIVE_PATHS.manifest, null, `signed, but not a manifest this version understands: ${(err as Error).message}`);
    return null;
  }
  result.exportId = manifest.exportId;
  result.period = manifest.period;
  result.envelopeSelection = manifest.envelopeSelection;
  if (manifest.signingKey.sha256 !== result.signingKey) {
    report('E_MANIFEST_SIGNATURE', ARCHIVE_PATHS.signingKey, null, `key fingerprint ${result.signingKey} is not the one the manifest names (${manifest.signingKey.sha256})`);
    return null;
  }
  return manifest;
}

/** Signature, payload type, statement, subject and sequence of one envelope; its chain facts if all hold. */
function checkEnvelope(
  path: string,
  bytes: Buffer,
  seq: number,
  record: DeviceRecord,
  key: KeyObject,
  report: (c: ErrorCode, f: string | null, d: string | null, m: string) => void,
): EnvelopeFacts | null {
  try {
    const env = parseEnvelope(JSON.parse(bytes.toString('utf8')));
    const body = verifyEnvelope(env, key, PAYLOAD_TYPE);
    let raw: unknown;
    try {
      raw = JSON.parse(body.toString('utf8'));
    } catch {
      throw new VigilError('E_BAD_STATEMENT', 'signed payload is not JSON');
    }
    const statement = parseStatement(raw);
    if (statement.subject[0]!.digest.sha256 !== record.keyDigest) throw new VigilError('E_SUBJECT_MISMATCH', `statement subject ${statement.subject[0]!.digest.sha256} is not this device's key`);
    if (statement.predicate.sequence !== seq) throw new VigilError('E_SEQ_MISMATCH', `statement says sequence ${statement.predicate.sequence}, the file name ${seq}`);
    return { sha256: sha256(bytes), previous: statement.predicate.previous };
  } catch (err) {
    if (err instanceof SyntaxError) report('E_BAD_ENVELOPE', path, record.id, 'not JSON');
    else if (err instanceof VigilError) report(err.code, path, record.id, err.message);
    else report('E_BAD_ENVELOPE', path, record.id, (err as Error).message);
    return null;
  }
}

/** Runs must be ascending and apart; a period export has one run per device with envelopes. */
function runsProblem(runs: readonly [number, number][], selection: string): string | null {
  for (const [i, [first, last]] of runs.entries()) {
    if (first > last) return `run ${first}-${last} is empty`;
    const prev = runs[i - 1];
    if (prev && first <= prev[1] + 1) return `runs ${prev[0]}-${prev[1]} and ${first}-${last} overlap or touch`;
  }
  if (selection === 'period' && runs.length > 1) return `a period export holds one unbroken run per device, the manifest gives ${runs.length}`;
  return null;
}
