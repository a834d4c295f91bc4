// Secure boot on this machine, against /sys read directly.
import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import check from '../../../../agent/checks/secure_boot/linux.js';
import { nodeFiles } from '../../../../agent/files.js';
import { createRunner } from '../../../../agent/runner.js';
import type { SecureBootFacts } from '../../../../protocol/checks/secure-boot.js';
import { schemaErrors, verdictOf } from '../fakes.js';

describe('secure_boot collect on this machine', () => {
  it('firmware follows /sys/firmware/efi; the verdict follows the facts', async () => {
    const c = await check.collect({ run: createRunner(), files: nodeFiles, now: () => Date.now() });
    const facts = c.facts as SecureBootFacts;
    expect(schemaErrors('secure_boot', facts)).toEqual([]);
    const uefi = existsSync('/sys/firmware/efi');
    if (uefi) expect(facts.firmware).toBe('uefi');
    else expect(facts.firmware === 'bios' || facts.firmware === null).toBe(true);
    const v = verdictOf('secure_boot', c);
    if (!uefi && facts.firmware === 'bios') expect(v).toEqual({ status: 'fail', reason: 'legacy BIOS boot: Secure Boot is unavailable' });
    if (facts.enabled === true && !facts.setupMode) expect(v.status).toBe('pass');
  });
});
