// The policy file: validated with positions, versioned by its bytes, reloaded without a restart, never
// replaced by a bad file, and stamped on every evaluation.
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePolicy } from '../../collector/policy/document.js';
import { PolicyStore } from '../../collector/policy/store.js';
import { renderPolicyYaml } from '../../collector/policy/template.js';
import { VigilError } from '../../protocol/errors.js';
import { DEFAULT_POLICY } from '../../protocol/policy.js';
import { daysAgo, deliver, enrolTestDevice, firewallCheck, startTestCollector, tempDir } from '../helpers/collector.js';
import { until } from '../helpers/processes.js';
import { openTestDb } from '../helpers/db.js';

function problems(text: string): string[] {
  try {
    parsePolicy(text, 'policy.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(VigilError);
    expect((err as VigilError).code).toBe('E_POLICY');
    return (err as VigilError).details;
  }
  throw new Error('policy was accepted');
}

describe('policy file', () => {
  it('the default file written at init is the built-in policy, with comments', () => {
    const text = renderPolicyYaml();
    const p = parsePolicy(text);
    expect(p.policy.roles).toEqual(DEFAULT_POLICY.roles);
    expect(text).toContain('maxDaysSinceUpgrade: 30 # most days since updates were last installed');
    expect(text).toMatch(/gateway:\n {4}description: .*\n {4}extends: workstation/);
  });

  it('is versioned by a label and the sha256 of its bytes', () => {
    const text = renderPolicyYaml();
    const a = parsePolicy(text);
    expect(a.version).toMatch(/^default@sha256:[0-9a-f]{64}$/);
    const b = parsePolicy(`${text}\n# a comment changes the bytes\n`);
    expect(b.version).not.toBe(a.version);
    expect(b.policy.roles).toEqual(a.policy.roles);
  });

  it('resolves operator-defined roles through extends, overriding only what they name', () => {
    const p = parsePolicy(`label: site-a
roles:
  workstation: {}
  imaging:
    extends: gateway
    checks:
      usb_storage: { enabled: false }
      mdm_enrollment:
        params:
          allowedProviders: [intune, jamf]
  gateway:
    extends: workstation
    checks:
      patch_level: { params: { maxDaysSinceUpgrade: 60 } }
`);
    const imaging = p.policy.roles.imaging!;
    expect(imaging.usb_storage!.enabled).toBe(false);
    expect(imaging.patch_level!.params).toMatchObject({ maxDaysSinceUpgrade: 60, maxPendingSecurity: 0 });
    expect(imaging.mdm_enrollment!.params).toEqual({ allowedProviders: ['intune', 'jamf'], requireUserApproved: false });
    expect(p.policy.roles.workstation!.usb_storage!.enabled).toBe(true);
  });

  it('names the line, column and field of every error', () => {
    const errs = problems(`label: x
roles:
  workstation:
    checks:
      patch_level:
        params:
          maxDaysSinceUpgrade: -3
          maxDaysBehind: 10
      usb_storagee:
        enabled: false
      firewall:
        enabled: "yes"
`);
    expect(errs).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^policy\.yaml:7:32: roles\.workstation\.checks\.patch_level\.params\.maxDaysSinceUpgrade: expected integer to be greater or equal to 0/),
        expect.stringMatching(/^policy\.yaml:8:11: roles\.workstation\.checks\.patch_level\.params\.maxDaysBehind: unknown parameter "maxDaysBehind" of check patch_level \(known: maxPendingSecurity, /),
        expect.stringMatching(/^policy\.yaml:9:7: roles\.workstation\.checks\.usb_storagee: unknown check "usb_storagee"/),
        expect.stringMatching(/^policy\.yaml:12:18: roles\.workstation\.checks\.firewall\.enabled: expected boolean/),
      ]),
    );
    expect(errs).toHaveLength(4);
  });

  it('refuses YAML syntax errors, duplicate keys, a missing workstation role and extends cycles, with positions', () => {
    expect(problems('label: x\nroles: [1\n')[0]).toMatch(/^policy\.yaml:\d+:\d+: \(document\): /);
    expect(problems('label: x\nlabel: y\nroles: {}\n')[0]).toMatch(/^policy\.yaml:2:1: .*unique/i);
    expect(problems('label: x\nroles:\n  gateway: {}\n')).toEqual([expect.stringMatching(/^policy\.yaml:2:1: roles: role "workstation" is required/)]);
    expect(problems('label: x\nroles:\n  workstation: { extends: a }\n  a: { extends: workstation }\n')[0]).toMatch(/extends itself/);
    expect(problems('label: x\nroles:\n  workstation: {}\n  Imaging: {}\n')[0]).toMatch(/^policy\.yaml:4:3: roles\.Imaging: role name/);
    expect(problems('label: "has spaces"\nroles:\n  workstation: {}\n')[0]).toMatch(/^policy\.yaml:1:8: label: /);
  });
});

describe('policy store', () => {
  let dir: { path: string; cleanup(): Promise<void> };
  beforeAll(async () => {
    dir = await tempDir();
  });
  afterAll(async () => dir.cleanup());

  it('reloads a changed file, keeps the last good policy when the file is bad, and records both', async () => {
    const file = join(dir.path, 'policy.yaml');
    await writeFile(file, renderPolicyYaml());
    const db = await openTestDb(dir.path, 'a.sqlite');
    const logged: string[] = [];
    const store = await PolicyStore.open(file, db, { log: { info: (m) => logged.push(m), error: (m) => logged.push(m) } });
    try {
      const first = store.current().version;
      const tightened = renderPolicyYaml().replace('label: default', 'label: tightened').replace('maxDaysSinceUpgrade: 30', 'maxDaysSinceUpgrade: 14');
      await writeFile(file, tightened);
      await store.reload();
      expect(store.current().label).toBe('tightened');
      expect(store.current().policy.roles.workstation!.patch_level!.params).toMatchObject({ maxDaysSinceUpgrade: 14 });
      const good = store.current().version;
      expect(good).not.toBe(first);

      await writeFile(file, 'label: broken\nroles:\n  workstation:\n    checks:\n      firewal: {}\n');
      await store.reload();
      expect(store.current().version).toBe(good);
      expect(store.lastError()?.details).toEqual([expect.stringMatching(/policy\.yaml:5:7: roles\.workstation\.checks\.firewal: unknown check/)]);
      expect(logged.some((l) => /keeping tightened@sha256/.test(l))).toBe(true);

      const actions = await db.all<{ action: string; subject: string }>("SELECT action, subject FROM audit_log WHERE action LIKE 'policy.%' ORDER BY id");
      expect(actions.map((a) => a.action)).toEqual(['policy.load', 'policy.load', 'policy.reject']);
      const versions = await db.all<{ version: string; source: string }>('SELECT version, source FROM policy_versions');
      expect(versions.map((v) => v.version).sort()).toEqual([first, good].sort());
      expect(versions.find((v) => v.version === good)!.source).toBe(tightened);
    } finally {
      await store.close();
      await db.close();
    }
  });

  it('starts on the last good version when the file is broken at start-up, and refuses to start without one', async () => {
    const file = join(dir.path, 'policy-b.yaml');
    const db = await openTestDb(dir.path, 'b.sqlite');
    try {
      await writeFile(file, 'label: x\nroles: {}\n');
      await expect(PolicyStore.open(file, db, { log: { info: () => undefined, error: () => undefined } })).rejects.toMatchObject({ code: 'E_POLICY' });
      await writeFile(file, renderPolicyYaml());
      const good = (await PolicyStore.open(file, db)).current().version;
      await writeFile(file, 'label: x\nroles: {}\n');
      const store = await PolicyStore.open(file, db, { log: { info: () => undefined, error: () => undefined } });
      expect(store.current().version).toBe(good);
      expect(store.lastError()?.message).toMatch(/role "workstation" is required/);
      await store.close();
    } finally {
      await db.close();
    }
  });

  it('follows the file without a restart (an editor saving by rename)', async () => {
    const file = join(dir.path, 'policy.yaml');
    await writeFile(file, renderPolicyYaml());
    const db = await openTestDb(dir.path, 'c.sqlite');
    const store = await PolicyStore.open(file, db);
    store.watch(200);
    try {
      const tmp = join(dir.path, '.policy.yaml.swp');
      await writeFile(tmp, renderPolicyYaml().replace('label: default', 'label: saved-by-editor'));
      await rename(tmp, file);
      await until(async () => store.current().label === 'saved-by-editor', 10_000, 'the policy reload');
    } finally {
      await store.close();
      await db.close();
    }
  });
});

describe('policy in the collector', () => {
  type Collector = Awaited<ReturnType<typeof startTestCollector>>;
  let c: Collector;
  beforeAll(async () => {
    c = await startTestCollector();
  });
  afterAll(async () => c.cleanup());

  it('stamps the version in force on every evaluation, and a reload changes the verdicts of later ones only', async () => {
    const d = await enrolTestDevice(c);
    const before = c.policy.current().version;
    await deliver(c, d, [{ collectedAt: daysAgo(2), checks: [firewallCheck('fail')] }]);
    const file = join(c.dataDir, 'policy.yaml');
    await writeFile(file, (await readFile(file, 'utf8')).replace('label: default', 'label: lenient').replace('requireInboundDeny: true', 'requireInboundDeny: false'));
    await c.policy.reload();
    const after = c.policy.current().version;
    expect(after).toMatch(/^lenient@sha256:/);
    await deliver(c, d, [
      {
        collectedAt: daysAgo(1),
        checks: [{ id: 'firewall', status: 'pass', facts: { backends: [{ name: 'nftables', active: true, inboundDefault: 'allow' }] }, evidence: [{ source: 'nft -j list ruleset', exitCode: 0 }] }],
      },
    ]);
    const rows = await c.db.all<{ seq: number; policy_version: string; status: string }>(
      'SELECT e.seq, e.policy_version, r.status FROM envelopes e JOIN check_results r ON r.device_id = e.device_id AND r.seq = e.seq WHERE e.device_id = ? ORDER BY e.seq',
      [d.id],
    );
    expect(rows).toEqual([
      { seq: 1, policy_version: before, status: 'fail' },
      { seq: 2, policy_version: after, status: 'pass' },
    ]);
  });
});
