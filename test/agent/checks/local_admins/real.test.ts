// Local administrators on this machine, checked against getent (NSS) and /etc/passwd read directly.
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import check from '../../../../agent/checks/local_admins/linux.js';
import { nodeFiles } from '../../../../agent/files.js';
import { createRunner } from '../../../../agent/runner.js';
import type { LocalAdminsFacts } from '../../../../protocol/checks/local-admins.js';
import { schemaErrors, sh, verdictOf } from '../fakes.js';

describe('local_admins collect on this machine', () => {
  it('uid 0 accounts and admin group members agree with getent; the verdict follows the facts', async () => {
    const c = await check.collect({ run: createRunner(), files: nodeFiles, now: () => Date.now() });
    const facts = c.facts as LocalAdminsFacts;
    expect(schemaErrors('local_admins', facts)).toEqual([]);
    const uid0 = readFileSync('/etc/passwd', 'utf8').split('\n').filter((l) => l.split(':')[2] === '0').map((l) => l.split(':')[0]);
    expect(facts.uid0Accounts).toEqual(uid0);
    for (const g of facts.groups.filter((x) => x.name !== 'sudoers')) {
      const listed = sh('getent', ['group', g.name]).trim().split(':')[3]?.split(',').filter(Boolean) ?? [];
      for (const m of listed) expect(g.members).toContain(m);
    }
    if (!existsSync('/etc/sudoers')) expect(facts.detail).toContain('sudo is not installed');
    const v = verdictOf('local_admins', c);
    const hidden = facts.uid0Accounts.some((a) => a !== 'root');
    expect(v.status).toBe(hidden || facts.admins.length > 3 ? 'fail' : 'pass');
  });
});
