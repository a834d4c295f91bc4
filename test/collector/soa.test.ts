// Statement of Applicability: per control, automated evidence (checks, devices), applicability with a
// justification, manual evidence files hashed and kept.
import { createHash } from 'node:crypto';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DAY_MS, deliver, enrolTestDevice, fullChecks, servicesWithClock } from '../helpers/collector.js';

type Env = Awaited<ReturnType<typeof servicesWithClock>>;
let env: Env;
beforeEach(async () => {
  env = await servicesWithClock();
});
afterEach(async () => env.cleanup());

describe('Statement of Applicability', () => {
  it('lists the 93 controls: which checks evidence each automatically, on how many devices, and which need manual evidence only', async () => {
    const a = await enrolTestDevice(env);
    const b = await enrolTestDevice(env);
    const at = new Date(env.clock.now.getTime() - DAY_MS).toISOString();
    await deliver(env, a, [{ collectedAt: at, checks: await fullChecks({}, at) }]);
    await deliver(env, b, [{ collectedAt: at, checks: await fullChecks({ disk_encryption: 'fail' }, at) }]);
    const soa = await env.services.soa.view();
    expect(soa).toHaveLength(93);
    const c824 = soa.find((s) => s.id === '8.24')!;
    expect(c824).toMatchObject({ ref: 'A.8.24', oscalId: 'a.8.24', evidence: 'automated+manual', applicable: null, needsManualEvidence: true });
    expect(c824.automated.find((x) => x.checkId === 'disk_encryption')).toMatchObject({ strength: 'primary', devices: { pass: 1, fail: 1 } });
    expect(c824.devices).toMatchObject({ pass: 1, fail: 1 });
    const c57 = soa.find((s) => s.id === '5.7')!;
    expect(c57).toMatchObject({ evidence: 'manual', automated: [], devices: null });
    expect(soa.filter((s) => s.evidence === 'automated+manual')).toHaveLength(27);
  });

  it('records applicability with a justification, keeps earlier decisions, and shows the one in force at a moment', async () => {
    await env.services.soa.decide({ control: '7.4', applicable: true, justification: 'CCTV in the server room', actor: 'ciso' });
    const before = env.clock.now.toISOString();
    env.advance(DAY_MS);
    await env.services.soa.decide({ control: 'A.7.4', applicable: false, justification: 'run by facilities under their own ISMS scope', actor: 'ciso' });
    const now = (await env.services.soa.view()).find((s) => s.id === '7.4')!;
    expect(now).toMatchObject({ applicable: false, justification: 'run by facilities under their own ISMS scope', decidedBy: 'ciso', needsManualEvidence: false });
    expect((await env.services.soa.view(before)).find((s) => s.id === '7.4')!.applicable).toBe(true);
    expect((await env.services.soa.decisionHistory('a.7.4')).map((d) => d.applicable)).toEqual([1, 0]);
    await expect(env.services.soa.decide({ control: '9.1', applicable: true, justification: 'x', actor: 'ciso' })).rejects.toMatchObject({ code: 'E_NOT_FOUND' });
    await expect(env.services.soa.decide({ control: '5.1', applicable: true, justification: ' ', actor: 'ciso' })).rejects.toMatchObject({ code: 'E_BAD_REQUEST' });
  });

  it('keeps manual evidence: copied under evidence/<sha256>, hashed, with its note, and audited', async () => {
    const file = join(env.dataDir, 'isms-policy.pdf');
    const content = Buffer.from('%PDF-1.7 information security policy v3, approved by the board 2026-01-15\n');
    await writeFile(file, content);
    const sha = createHash('sha256').update(content).digest('hex');
    const e = await env.services.soa.addEvidence({ control: '5.1', content: file, note: 'ISMS policy, board approval minutes p. 4', actor: 'ciso' });
    expect(e).toMatchObject({ control_id: '5.1', sha256: sha, size: content.length, filename: 'isms-policy.pdf' });
    expect(await readFile(join(env.dataDir, 'evidence', sha))).toEqual(content);
    expect((await stat(join(env.dataDir, 'evidence', sha))).mode & 0o777).toBe(0o600);
    const entry = (await env.services.soa.view()).find((s) => s.id === '5.1')!;
    expect(entry.manualEvidence.map((m) => m.id)).toEqual([e.id]);
    expect(entry.needsManualEvidence).toBe(false);
    const log = await env.db.get<{ action: string; subject: string; detail: string }>("SELECT action, subject, detail FROM audit_log WHERE action = 'soa.evidence.add'");
    expect(log).toMatchObject({ subject: '5.1' });
    expect(JSON.parse(log!.detail)).toMatchObject({ sha256: sha, note: 'ISMS policy, board approval minutes p. 4' });
    await expect(env.services.soa.addEvidence({ control: '5.1', content: file, note: '', actor: 'ciso' })).rejects.toMatchObject({ code: 'E_BAD_REQUEST' });
    await expect(env.services.soa.addEvidence({ control: '5.1', content: join(env.dataDir, 'missing.pdf'), note: 'n', actor: 'ciso' })).rejects.toMatchObject({ code: 'E_NOT_FOUND' });
  });
});
