// The evidence archive an export produces and `vigil verify` checks, as both sides must agree on it:
// file layout, the signed manifest and the device records. Pure: no fs, no clock.
//
//   README.txt                              what is inside and how to check it
//   devices/<device-id>.json                device record: public key (PEM) and its sha256 digest
//   envelopes/<device-id>/<seq>.dsse.json   the device's signed envelopes, byte for byte as received
//   manual-evidence/<sha256>                files attached to controls in the Statement of Applicability
//   policy/<sha256>.yaml                    every policy version that evaluated an exported envelope
//   soa/statement-of-applicability.json     the Statement of Applicability as of the end of the period
//   csv/results.csv                         one row per device × check × control
//   oscal/assessment-results.json           OSCAL 1.1.3 assessment results
//   report/report.html                      printable report
//   export-signing-key.pem                  the collector's export-signing public key
//   manifest.json                           every file above (path, size, sha256), signed:
//   manifest.dsse.json                      DSSE envelope whose payload is exactly the bytes of manifest.json
import { Type, type Static } from '@sinclair/typebox';
import { IsoTime } from './messages.js';
import { makeParser } from './validate.js';

export const ARCHIVE_FORMAT = 'https://vigil.invalid/evidence-archive/v1';
export const MANIFEST_PAYLOAD_TYPE = 'application/vnd.vigil.evidence-manifest+json';
/** Media type of a stored attestation envelope (in-toto attestation spec: envelope.md). */
export const ENVELOPE_MEDIA_TYPE = 'application/vnd.in-toto.endpoint-compliance+dsse';

export const ARCHIVE_PATHS = {
  readme: 'README.txt',
  manifest: 'manifest.json',
  manifestDsse: 'manifest.dsse.json',
  signingKey: 'export-signing-key.pem',
  oscal: 'oscal/assessment-results.json',
  csv: 'csv/results.csv',
  html: 'report/report.html',
  soa: 'soa/statement-of-applicability.json',
} as const;

/** Files that the manifest cannot list (itself, its signature, and the key that checks it). */
export const UNLISTED_FILES: ReadonlySet<string> = new Set([ARCHIVE_PATHS.manifest, ARCHIVE_PATHS.manifestDsse, ARCHIVE_PATHS.signingKey]);

const DEVICE_ID = '^dev_[0-9a-f]{32}$';
const Hex64 = Type.String({ pattern: '^[0-9a-f]{64}$' });

export function devicePath(deviceId: string): string {
  return `devices/${deviceId}.json`;
}

/** Zero-padded so a plain directory listing sorts by sequence. */
export function envelopePath(deviceId: string, seq: number): string {
  return `envelopes/${deviceId}/${String(seq).padStart(12, '0')}.dsse.json`;
}

export function manualEvidencePath(sha256: string): string {
  return `manual-evidence/${sha256}`;
}

export function policyPath(sha256: string): string {
  return `policy/${sha256}.yaml`;
}

export function parseEnvelopePath(path: string): { deviceId: string; seq: number } | null {
  const m = /^envelopes\/(dev_[0-9a-f]{32})\/(\d{12})\.dsse\.json$/.exec(path);
  return m ? { deviceId: m[1]!, seq: Number(m[2]) } : null;
}

export function parseDevicePath(path: string): string | null {
  const m = /^devices\/(dev_[0-9a-f]{32})\.json$/.exec(path);
  return m ? m[1]! : null;
}

export const ManifestFile = Type.Object({
  path: Type.String({ minLength: 1, maxLength: 255 }),
  size: Type.Integer({ minimum: 0 }),
  sha256: Hex64,
});

export const ManifestDevice = Type.Object({
  id: Type.String({ pattern: DEVICE_ID }),
  /**
   * The device's envelopes in the archive, as runs [first, last] of consecutive sequences, ascending and
   * apart: every sequence of a run is present and each one's `previous` is the hash of the one before.
   */
  runs: Type.Array(Type.Tuple([Type.Integer({ minimum: 1 }), Type.Integer({ minimum: 1 })]), { maxItems: 100_000 }),
});

/** cited: the envelopes results cite; period: every envelope of the period (one run per device). */
export const EnvelopeSelection = Type.Union([Type.Literal('cited'), Type.Literal('period')]);

export const Manifest = Type.Object({
  format: Type.Literal(ARCHIVE_FORMAT),
  exportId: Type.String({ pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$' }),
  createdAt: IsoTime,
  period: Type.Object({ from: IsoTime, to: IsoTime }),
  collector: Type.Object({ version: Type.String({ maxLength: 64 }) }),
  /** sha256 of the export-signing public key's SPKI DER: compare it with the one the operator gives you. */
  signingKey: Type.Object({ sha256: Hex64 }),
  envelopeSelection: EnvelopeSelection,
  devices: Type.Array(ManifestDevice),
  files: Type.Array(ManifestFile),
});
export type Manifest = Static<typeof Manifest>;
export type ManifestFile = Static<typeof ManifestFile>;
export const parseManifest = makeParser(Manifest, 'E_ARCHIVE', 'manifest.json');

export const DeviceRecord = Type.Object({
  id: Type.String({ pattern: DEVICE_ID }),
  publicKeyPem: Type.String({ maxLength: 4096 }),
  /** sha256 of the key's SPKI DER: the in-toto subject digest of every envelope from this device. */
  keyDigest: Hex64,
  hostname: Type.String({ maxLength: 255 }),
  role: Type.String({ maxLength: 64 }),
  enrolledAt: IsoTime,
  revokedAt: Type.Union([IsoTime, Type.Null()]),
});
export type DeviceRecord = Static<typeof DeviceRecord>;
export const parseDeviceRecord = makeParser(DeviceRecord, 'E_ARCHIVE', 'device record');
