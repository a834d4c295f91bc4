#!/usr/bin/env node
// vigil verify FILE: checks an evidence archive offline (no collector, no network). Exit 0 only when
// every check holds; 1 when the archive fails verification (each problem names its file and device);
// 2 when the command itself is misused.
import { Command } from 'commander';
import { renderTable } from '../protocol/table.js';
import { VIGIL_VERSION } from '../protocol/version.js';
import { verifyArchive, type VerifyReport } from './verify/verify.js';

function print(r: VerifyReport): void {
  if (r.devices.length) {
    console.log(
      renderTable(
        ['DEVICE', 'HOSTNAME', 'ENVELOPES', 'SEQUENCES', 'SIGNATURES', 'CHAIN'],
        r.devices.map((d) => [d.id, d.hostname, d.envelopes, d.runs.map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)).join(',') || '-', d.signatures, d.chain]),
        48,
      ),
    );
    console.log('');
  }
  for (const p of r.problems) {
    console.log(`FAIL ${p.code} ${p.file ?? '(archive)'}${p.device ? ` [device ${p.device}]` : ''}: ${p.message}`);
  }
  const what = `${r.devices.length} device(s), ${r.envelopes} envelope(s), ${r.files} file(s)`;
  if (r.period) console.log(`export ${r.exportId}, period ${r.period.from} to ${r.period.to}, envelopes: ${r.envelopeSelection === 'period' ? 'every one of the period' : 'those the results cite'}`);
  if (r.signingKey) console.log(`manifest signing key sha256:${r.signingKey} (compare it with the fingerprint the operator gave you)`);
  console.log(r.ok ? `VERIFIED: ${what}` : `NOT VERIFIED: ${r.problems.length} problem(s); ${what}`);
}

const program = new Command('vigil')
  .version(VIGIL_VERSION)
  .description('Vigil tools for auditors')
  .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2));

program
  .command('verify <file>')
  .description('verify an evidence archive offline: manifest signature, every file hash, every device envelope and hash chain')
  .option('--key <fingerprint>', 'the signing-key fingerprint the operator gave you (sha256:<hex>): fail if the manifest was signed by another key')
  .option('--json', 'print the report as JSON')
  .action(async (file: string, o: { json?: boolean; key?: string }) => {
    let expectedKey: string | undefined;
    if (o.key !== undefined) {
      const m = /^(?:sha256:)?([0-9a-fA-F]{64})$/.exec(o.key.trim());
      if (!m) {
        console.error('error: --key must be sha256:<64 hex digits>');
        process.exit(2);
      }
      expectedKey = m[1]!.toLowerCase();
    }
    const report = await verifyArchive(file, { expectedKey });
    if (o.json) console.log(JSON.stringify(report, null, 2));
    else print(report);
    process.exitCode = report.ok ? 0 : 1;
  });

program.parseAsync(process.argv).catch((err: unknown) => {
  console.error(`error: ${(err as Error).message}`);
  process.exit(2);
});
