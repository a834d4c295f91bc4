// The audit-evidence commands of vigil-collector, as an operator runs them (compiled CLI, real data dir).
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/collector.js';
import { COLLECTOR_CLI, VERIFY_CLI, cli } from '../helpers/processes.js';
import { dbInitArgs } from '../helpers/db.js';
import { openDatabase } from '../../collector/db/open.js';
import { dataDir } from '../../collector/config.js';

let dir: { path: string; cleanup(): Promise<void> };
let data: string;
let fingerprint: string;

beforeAll(async () => {
  dir = await tempDir('vigil-cli-');
  data = join(dir.path, 'collector');
  const init = await cli(COLLECTOR_CLI, ['init', '--data', data, '--host', '127.0.0.1', '--port', '0', ...(await dbInitArgs())]);
  expect(init.code, init.stderr).toBe(0);
  fingerprint = /export key\s+sha256:([0-9a-f]{64}) \(created\)/.exec(init.stdout)![1]!;
  expect(init.stdout).toMatch(/policy\s+.*policy\.yaml \(created with the defaults\)/);
}, 60_000);
afterAll(async () => dir?.cleanup());

const run = (...args: string[]) => cli(COLLECTOR_CLI, [...args, '--data', data]);

describe('vigil-collector audit commands', () => {
  it('policy check names line, column and field, and exits 2 with E_POLICY', async () => {
    expect((await run('policy', 'check')).stdout).toMatch(/policy\.yaml: valid, version default@sha256:[0-9a-f]{64}; roles workstation, gateway, server/);
    const bad = join(dir.path, 'draft.yaml');
    await writeFile(bad, 'label: draft\nroles:\n  workstation:\n    checks:\n      patch_level:\n        params:\n          maxDaysSinceUpgrade: soon\n');
    const r = await run('policy', 'check', '--file', bad);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${bad}:7:32: roles.workstation.checks.patch_level.params.maxDaysSinceUpgrade: expected integer`);
    expect(r.stderr).toMatch(/error E_POLICY: 1 problem\(s\)/);
  });

  it('waiver add / list / revoke', async () => {
    const add = await run('waiver', 'add', '--check', 'usb_storage', '--reason', 'rollout of USB blocking in progress', '--approver', 'CISO', '--expires', '30d', '--json');
    expect(add.code, add.stderr).toBe(0);
    const w = JSON.parse(add.stdout);
    expect(w).toMatchObject({ check_id: 'usb_storage', approver: 'CISO', state: 'active' });
    expect((await run('waiver', 'list')).stdout).toMatch(new RegExp(`${w.id}\\s+active\\s+\\*\\s+usb_storage`));
    expect((await run('waiver', 'add', '--control', '8.24', '--check', 'firewall', '--reason', 'x', '--approver', 'y', '--expires', '1d')).stderr).toMatch(/^error E_BAD_REQUEST: a waiver names a check or a control, not both/);
    expect((await run('waiver', 'revoke', w.id, '--reason', 'done')).stdout).toBe(`revoked ${w.id}\n`);
    expect((await run('waiver', 'list')).stdout.trim()).toBe('no waivers');
    expect((await run('waiver', 'list', '--all')).stdout).toMatch(new RegExp(`${w.id}\\s+revoked`));
  });

  it('soa, soa set, soa evidence add', async () => {
    const set = await run('soa', 'set', 'A.7.4', '--applicable', 'no', '--justification', 'facilities department under its own ISMS');
    expect(set.stdout).toMatch(/^A\.7\.4: applicable no/);
    const file = join(dir.path, 'backup-test.pdf');
    await writeFile(file, '%PDF backup restore test report\n');
    const ev = await run('soa', 'evidence', 'add', '8.13', file, '--note', 'quarterly restore test');
    expect(ev.stdout).toMatch(/^evd_[0-9a-f]{16}: backup-test\.pdf \(\d+ bytes, sha256 [0-9a-f]{64}\) attached to A\.8\.13/);
    const table = await run('soa');
    expect(table.stdout).toMatch(/A\.7\.4\s+Physical security monitoring\s+no\s+manual/);
    expect(table.stdout).toMatch(/A\.8\.13\s+Information backup\s+undecided\s+manual\s+1 file\(s\)/);
    expect(table.stdout).toMatch(/93 controls: 27 with automated evidence/);
    const json = JSON.parse((await run('soa', '--json')).stdout);
    expect(json).toHaveLength(93);
    expect((await run('soa', 'set', '10.1', '--applicable', 'yes', '--justification', 'x')).stderr).toMatch(/^error E_NOT_FOUND/);
  });

  it('api-token create prints the token once; list shows it without the secret', async () => {
    const r = await run('api-token', 'create', '--role', 'auditor', '--name', 'external auditor');
    expect(r.code).toBe(0);
    const token = r.stdout.trim();
    expect(token).toMatch(/^apt_[0-9a-f]{16}\.[A-Za-z0-9_-]{43}$/);
    const list = await run('api-token', 'list');
    expect(list.stdout).toMatch(/apt_[0-9a-f]{16}\s+external auditor\s+auditor/);
    expect(list.stdout).not.toContain(token.split('.')[1]);
    expect((await run('api-token', 'create', '--role', 'root', '--name', 'x')).code).not.toBe(0);
  });

  it('every write above is in the audit log with the operating-system user', async () => {
    const db = await openDatabase(dataDir(data));
    try {
      const rows = await db.all<{ actor: string; action: string }>("SELECT actor, action FROM audit_log WHERE action NOT LIKE 'policy.%' ORDER BY id");
      expect(rows.map((r) => r.action)).toEqual(['waiver.create', 'waiver.revoke', 'soa.decide', 'soa.evidence.add', 'api-token.create']);
      expect(rows.every((r) => r.actor.startsWith('cli'))).toBe(true);
    } finally {
      await db.close();
    }
  });

  it('export writes the archive, shows progress on stderr and the key fingerprint; vigil verify accepts it', async () => {
    const out = join(dir.path, 'empty-fleet.tar.gz');
    const r = await run('export', '--from', '2026-01-01', '--to', '2026-01-31', '--out', out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`export: signing key sha256:${fingerprint}`);
    expect(r.stderr).toMatch(/export: 0\/0 devices, 0 envelopes/);
    expect(r.stdout).toMatch(/period 2026-01-01T00:00:00\.000Z to 2026-01-31T23:59:59\.999Z: 0 devices, 0 envelopes \(cited\)/);
    const v = await cli(VERIFY_CLI, ['verify', out, '--key', fingerprint]);
    expect(v.code, v.stdout).toBe(0);
    const bad = await run('export', '--from', '2026-02-01', '--to', '2026-01-01', '--out', join(dir.path, 'x.tar.gz'));
    expect(bad.stderr).toMatch(/^error E_BAD_REQUEST: the period starts/m);
    await expect(readFile(join(dir.path, 'x.tar.gz.partial'))).rejects.toThrow();
  });
});
