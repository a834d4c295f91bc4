// MDS2 forms: the CSV reader (spreadsheet quirks, bad rows reported by line under E_MDS2), the import per
// model, device models, and the declared-versus-observed findings against real stored attestations;
// the CLI and the API.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseCsv, CsvError } from '../../collector/mds2/csv.js';
import { parseMds2Form } from '../../collector/mds2/parse.js';
import { XlsxError, xlsxRows, zipEntries, zipRead } from '../../collector/mds2/xlsx.js';
import { Mds2Service } from '../../collector/mds2/service.js';
import { VigilError } from '../../protocol/errors.js';
import type { Predicate } from '../../protocol/statement.js';
import { DAY_MS, daysAgo, deliver, enrolTestDevice, firewallCheck, fullChecks, servicesWithClock, startTestCollector } from '../helpers/collector.js';

const run = promisify(execFile);
const fixturePath = (name: string) => new URL(`../fixtures/mds2/${name}`, import.meta.url).pathname;
const fixture = (name: string) => readFileSync(fixturePath(name));
const PUMP_CSV = 'constructed-infusion-pump.csv';
const WORKSTATION_CSV = 'constructed-imaging-workstation-semicolon.csv';
const BAD_CSV = 'constructed-bad-rows.csv';
const XLSX = 'constructed-infusion-pump.xlsx';

function mds2Error(fn: () => unknown): VigilError {
  try {
    fn();
  } catch (err) {
    if (err instanceof VigilError) return err;
    throw err;
  }
  throw new Error('expected an error');
}

describe('CSV reader', () => {
  it('quoted fields with delimiters, doubled quotes and line breaks; rows keep their first line', () => {
    const rows = parseCsv('a,"b,c","say ""hi"""\r\nx,"two\nlines",z\n\nlast,,\n');
    expect(rows).toEqual([
      { line: 1, fields: ['a', 'b,c', 'say "hi"'] },
      { line: 2, fields: ['x', 'two\nlines', 'z'] },
      { line: 5, fields: ['last', '', ''] },
    ]);
  });

  it('an unclosed quote or text after a closing quote is an error with the line', () => {
    expect(() => parseCsv('a,b\nc,"open\n')).toThrow(CsvError);
    expect((() => { try { parseCsv('a,b\nc,"x"y\n'); } catch (e) { return (e as CsvError).line; } })()).toBe(2);
  });
});

describe('MDS2 form (CSV)', () => {
  it('reads the HN 1-2019 layout: title block, section headings and the notes block skipped, answers normalised', () => {
    const rows = parseMds2Form(fixture(PUMP_CSV));
    expect(rows.map((r) => [r.id, r.answer, r.line])).toEqual([
      ['MPII-1', 'yes', 7],
      ['ALOF-1', 'yes', 9],
      ['AUDT-1', 'yes', 11],
      ['CSUP-2', 'yes', 13],
      ['MLDP-2', 'no', 15],
      ['NAUT-2', 'n/a', 17],
      ['RMOT-1', 'no', 19],
      ['SAHD-8', 'yes', 21],
      ['STCF-1', 'no', 23],
    ]);
    expect(rows.find((r) => r.id === 'MLDP-2')!.note).toBe('1');
  });

  it('reads a European spreadsheet export: BOM, semicolons, CRLF, mixed-case answers, See Note', () => {
    expect(parseMds2Form(fixture(WORKSTATION_CSV)).map((r) => [r.id, r.answer, r.note])).toEqual([
      ['STCF-1', 'yes', null],
      ['MLDP-2', 'yes', null],
      ['RMOT-1', 'yes', 'vendor VPN, attended sessions only'],
      ['TXCF-2', 'see note', 'TLS 1.2 for DICOM TLS only'],
      ['SAHD-3', 'n/a', null],
    ]);
  });

  it('reports every bad row with its line under E_MDS2', () => {
    const e = mds2Error(() => parseMds2Form(fixture(BAD_CSV)));
    expect(e.code).toBe('E_MDS2');
    expect(e.details).toEqual([
      'line 3: question ID "STCF1" is not in the HN 1-2019 form (four letters, a dash, a number: STCF-1, AUDT-4.1.1)',
      'line 4: MLDP-2: answer "Maybe" is not Yes, No, N/A or See Note',
      'line 5: STCF-1 is answered again (first on line 2)',
      'line 6: ALOF-1: answer "" is not Yes, No, N/A or See Note',
    ]);
  });

  it('refuses a broken zip, non-UTF-8 text, a file without the header, an unclosed quote, and an empty table', () => {
    expect(mds2Error(() => parseMds2Form(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0]))).message).toBe('XLSX: not a complete zip file (no end of central directory)');
    expect(mds2Error(() => parseMds2Form(Buffer.from([0x49, 0x44, 0x2c, 0xff, 0xfe, 0x0a]))).message).toMatch(/neither XLSX nor UTF-8 text/);
    expect(mds2Error(() => parseMds2Form('just,some,columns\n1,2,3\n')).details).toEqual(['line 1: expected columns "Question ID" and "Answer" (or "Yes, No, N/A, or See Note")']);
    expect(mds2Error(() => parseMds2Form('ID,Answer\nSTCF-1,"Yes\n')).details).toEqual(['line 2: a quoted field is not closed']);
    expect(mds2Error(() => parseMds2Form('ID,Answer\n\n')).code).toBe('E_MDS2');
  });

  it('reads the first worksheet of an XLSX form: shared and inline strings, rich text, numbers, rows by number', () => {
    expect(parseMds2Form(fixture(XLSX))).toEqual([
      { id: 'STCF-1', answer: 'no', note: null, line: 5 },
      { id: 'MLDP-2', answer: 'yes', note: '1', line: 6 },
      { id: 'RMOT-1', answer: 'see note', note: "Vendor access only through the hospital's jump host & with approval", line: 7 },
      { id: 'NAUT-2', answer: 'yes', note: null, line: 9 },
    ]);
  });

  it('XLSX: sizes are checked before inflating; encrypted, zip64 and unknown methods are refused; bad rows name the row', () => {
    const good = fixture(XLSX);
    const entries = zipEntries(good);
    const sheet = entries.get('xl/worksheets/mds2.xml')!;
    // Declared larger than the limit: refused before any inflating.
    expect(() => zipRead(good, { ...sheet, size: 64 * 1024 * 1024 })).toThrow(XlsxError);
    // A declared size that is a lie: the inflated output is bounded and compared.
    expect(() => zipRead(good, { ...sheet, size: 10 })).toThrow(/is \d+ bytes, the directory says 10/);
    expect(() => zipRead(good, { ...sheet, method: 12 })).toThrow(/compression method 12/);
    const cd = good.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    const encrypted = Buffer.from(good);
    encrypted.writeUInt16LE(1, cd + 8);
    expect(mds2Error(() => parseMds2Form(encrypted)).message).toMatch(/^XLSX: zip entry .* is encrypted$/);
    const cut = good.subarray(0, good.length - 30);
    expect(mds2Error(() => parseMds2Form(cut)).code).toBe('E_MDS2');
    expect(xlsxRows(good).map((r) => r.line)).toEqual([1, 3, 4, 5, 6, 7, 9]);
  });

  it('property: random bytes and corrupted XLSX files give E_MDS2, never another exception', () => {
    const good = fixture(XLSX);
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(good.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }), fc.uint8Array({ maxLength: 300 }), (flips, random) => {
        const bad = Buffer.from(good);
        for (const [i, b] of flips) bad[i] = b;
        for (const input of [bad, Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.from(random)])]) {
          try {
            parseMds2Form(input);
          } catch (err) {
            expect(err).toBeInstanceOf(VigilError);
            expect((err as VigilError).code).toBe('E_MDS2');
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('property: any input either gives well-formed answers or E_MDS2, never another exception', () => {
    const lines = readFileSync(fixturePath(PUMP_CSV), 'utf8').split('\n');
    const text = fc.oneof(
      fc.string({ maxLength: 500 }),
      fc.string({ unit: 'binary', maxLength: 500 }),
      fc.array(fc.oneof(fc.constantFrom(...lines), fc.string({ maxLength: 60 })), { maxLength: 30 }).map((a) => a.join('\n')),
    );
    fc.assert(
      fc.property(text, (t) => {
        try {
          for (const r of parseMds2Form(t)) {
            expect(r.id).toMatch(/^[A-Z]{4}-\d/);
            expect(['yes', 'no', 'n/a', 'see note']).toContain(r.answer);
          }
        } catch (err) {
          expect(err).toBeInstanceOf(VigilError);
          expect((err as VigilError).code).toBe('E_MDS2');
        }
      }),
      { numRuns: 300 },
    );
  });
});

const remoteAccess = (enabled: boolean): Predicate['checks'][number] => ({
  id: 'remote_access',
  status: 'pass',
  facts: { services: [{ name: 'sshd', enabled, permitRootLogin: 'no', passwordAuthentication: false }] },
  evidence: [{ source: 'sshd -T', exitCode: 0 }],
});

async function checksFor(outcomes: Record<string, 'pass' | 'fail'>, collectedAt: string, extra: Predicate['checks'] = []): Promise<Predicate['checks']> {
  const base = (await fullChecks(outcomes, collectedAt)).filter((c) => !extra.some((x) => x.id === c.id));
  return [...base, ...extra];
}

describe('declared versus observed', () => {
  type Env = Awaited<ReturnType<typeof servicesWithClock>>;
  let env: Env;
  beforeEach(async () => {
    env = await servicesWithClock();
  });
  afterEach(async () => env.cleanup());
  const ago = (days: number) => new Date(env.clock.now.getTime() - days * DAY_MS).toISOString();

  it('No at-rest encryption: not applicable but segregation required; a contradicted No and an understated one', async () => {
    const s = new Mds2Service(env.db, () => env.clock.now);
    const d = await enrolTestDevice(env);
    await deliver(env, d, [{ collectedAt: ago(1), checks: await checksFor({ disk_encryption: 'fail', antivirus_edr: 'pass', patch_level: 'pass' }, ago(1), [firewallCheck('fail'), remoteAccess(true)]) }]);
    const imported = await s.importForm('Example LVP 300', PUMP_CSV, fixture(PUMP_CSV), 'admin');
    expect(imported).toMatchObject({ model: 'Example LVP 300', answers: 9, mapped: 8 });
    await s.setDeviceModel(d.id, 'Example LVP 300', 'admin');

    const all = Object.fromEntries((await s.findings()).map((f) => [f.question, f]));
    expect(all['STCF-1']).toMatchObject({ checkId: 'disk_encryption', expected: 'not_applicable', observed: 'fail', kind: 'segregation-missing' });
    expect(all['STCF-1']!.detail).toMatch(/requires segregation instead; firewall is fail/);
    expect(all['MLDP-2']).toMatchObject({ checkId: 'antivirus_edr', kind: 'understated', observed: 'pass' });
    expect(all['CSUP-2']).toMatchObject({ checkId: 'patch_level', expected: 'pass', kind: 'consistent' });
    expect(all['RMOT-1']).toMatchObject({ checkId: 'remote_access', expected: 'absent', kind: 'mismatch', detail: 'declares no remote service, but sshd is enabled' });
    expect(all['NAUT-2']).toMatchObject({ checkId: 'firewall', answer: 'n/a', kind: 'segregation-missing' });
    expect((await s.mismatches()).map((f) => f.question).sort()).toEqual(['MLDP-2', 'NAUT-2', 'RMOT-1', 'STCF-1']);

    // The device gets its firewall in order and sshd off: the segregation is evidenced, RMOT-1 holds.
    await deliver(env, d, [{ collectedAt: ago(0.5), checks: await checksFor({ disk_encryption: 'fail', antivirus_edr: 'fail' }, ago(0.5), [firewallCheck('pass'), remoteAccess(false)]) }]);
    const after = Object.fromEntries((await s.findings({ deviceId: d.id })).map((f) => [f.question, f]));
    expect(after['STCF-1']).toMatchObject({ kind: 'not-applicable' });
    expect(after['STCF-1']!.detail).toMatch(/segregation required and evidenced by firewall pass/);
    expect(after['RMOT-1']).toMatchObject({ kind: 'consistent' });
    expect(after['NAUT-2']).toMatchObject({ kind: 'understated' });
    expect(await s.mismatches()).toEqual([expect.objectContaining({ question: 'NAUT-2', kind: 'understated' })]);
  });

  it('a declared Yes contradicted by the observed state is a mismatch; unmapped answers (TXCF-2) set no expectation', async () => {
    const s = new Mds2Service(env.db, () => env.clock.now);
    const d = await enrolTestDevice(env);
    await deliver(env, d, [{ collectedAt: ago(1), checks: await checksFor({ disk_encryption: 'fail', antivirus_edr: 'pass' }, ago(1)) }]);
    await s.importForm('Example CT Console', WORKSTATION_CSV, fixture(WORKSTATION_CSV), 'admin');
    await s.setDeviceModel(d.id, 'Example CT Console', 'admin');
    const m = await s.mismatches({ deviceId: d.id });
    expect(m).toEqual([
      expect.objectContaining({ question: 'STCF-1', answer: 'yes', checkId: 'disk_encryption', expected: 'pass', observed: 'fail', kind: 'mismatch' }),
      // N/A for software integrity, yet secure boot is on: the form understates the device.
      expect.objectContaining({ question: 'SAHD-3', answer: 'n/a', checkId: 'secure_boot', observed: 'pass', kind: 'understated' }),
    ]);
    expect((await s.findings({ deviceId: d.id })).find((f) => f.question === 'TXCF-2')).toBeUndefined();
    // Re-importing replaces the answers; the model list shows the file's digest.
    const models = await s.models();
    expect(models).toEqual([expect.objectContaining({ model: 'Example CT Console', answers: 5, sourceFile: WORKSTATION_CSV })]);
    expect(models[0]!.sourceSha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('bad model names and unknown devices are refused with stable codes; a bad file changes nothing', async () => {
    const s = new Mds2Service(env.db, () => env.clock.now);
    await expect(s.importForm(' padded', 'x.csv', fixture(PUMP_CSV), 'admin')).rejects.toMatchObject({ code: 'E_BAD_REQUEST' });
    await expect(s.setDeviceModel('dev_00000000000000000000000000000000', 'X', 'admin')).rejects.toMatchObject({ code: 'E_NOT_FOUND' });
    await expect(s.importForm('Bad', BAD_CSV, fixture(BAD_CSV), 'admin')).rejects.toMatchObject({ code: 'E_MDS2' });
    expect(await s.models()).toEqual([]);
  });
});

describe('MDS2 over the CLI and the API', () => {
  type Collector = Awaited<ReturnType<typeof startTestCollector>>;
  let c: Collector;
  let admin: string;
  let deviceId: string;
  const cli = new URL('../../dist/collector/cli.js', import.meta.url).pathname;
  beforeAll(async () => {
    c = await startTestCollector();
    admin = (await c.services.auth.create({ name: 'admin', role: 'admin', actor: 'test' })).token;
    const d = await enrolTestDevice(c);
    deviceId = d.id;
    await deliver(c, d, [{ collectedAt: daysAgo(1), checks: await checksFor({ disk_encryption: 'fail' }, daysAgo(1), [firewallCheck('fail')]) }]);
  });
  afterAll(async () => c.cleanup());

  it('mds2 import, device set-model, mds2 mismatches; a bad file exits 2 with E_MDS2 and its lines', async () => {
    const imp = await run('node', [cli, 'mds2', 'import', fixturePath(PUMP_CSV), '--model', 'Example LVP 300', '--data', c.dataDir]);
    expect(imp.stdout).toMatch(/^imported 9 answers for Example LVP 300 \(8 mapped to checks\), sha256 [0-9a-f]{64}/);
    await run('node', [cli, 'device', 'set-model', deviceId, 'Example LVP 300', '--data', c.dataDir]);
    const mm = await run('node', [cli, 'mds2', 'mismatches', '--data', c.dataDir]);
    expect(mm.stdout).toMatch(/STCF-1\s+no\s+disk_encryption\s+fail\s+segregation-missing/);
    const bad = await run('node', [cli, 'mds2', 'import', fixturePath(BAD_CSV), '--model', 'X', '--data', c.dataDir]).catch((e: { code: number; stderr: string }) => e);
    expect(bad).toMatchObject({ code: 2, stderr: expect.stringMatching(/^error E_MDS2: 4 bad row\(s\); first: line 3:/) });
  });

  it('PUT /api/v1/mds2/models/:model (CSV or XLSX), PUT /api/v1/devices/:id/model, GET /api/v1/mds2/mismatches', async () => {
    const auth = { authorization: `Bearer ${admin}` };
    const put = await c.app.inject({ method: 'PUT', url: '/api/v1/mds2/models/Example%20CT%20Console?filename=ct.csv', headers: { ...auth, 'content-type': 'text/csv' }, payload: fixture(WORKSTATION_CSV) });
    expect(put.statusCode).toBe(201);
    expect(put.json()).toMatchObject({ model: 'Example CT Console', answers: 5 });
    const xlsx = await c.app.inject({ method: 'PUT', url: '/api/v1/mds2/models/Example%20LVP%20300', headers: { ...auth, 'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' }, payload: fixture(XLSX) });
    expect(xlsx.json()).toMatchObject({ model: 'Example LVP 300', answers: 4, mapped: 4 });
    const bad = await c.app.inject({ method: 'PUT', url: '/api/v1/mds2/models/X', headers: { ...auth, 'content-type': 'text/csv' }, payload: fixture(BAD_CSV) });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'E_MDS2', details: expect.arrayContaining(['line 4: MLDP-2: answer "Maybe" is not Yes, No, N/A or See Note']) });
    expect((await c.app.inject({ method: 'PUT', url: `/api/v1/devices/${deviceId}/model`, headers: auth, payload: { model: 'Example CT Console' } })).statusCode).toBe(200);
    const mm = await c.app.inject({ method: 'GET', url: `/api/v1/mds2/mismatches?device=${deviceId}`, headers: auth });
    expect(mm.json().findings).toEqual([expect.objectContaining({ question: 'STCF-1', model: 'Example CT Console', kind: 'mismatch' }), expect.objectContaining({ question: 'SAHD-3', kind: 'understated' })]);
  });
});
