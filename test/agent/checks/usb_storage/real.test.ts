// USB storage on this machine: a real modprobe.d file written and removed around the real collector. The
// expected overall answer is worked out from /proc and /sys read here, not from the collector.
import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import check from '../../../../agent/checks/usb_storage/linux.js';
import { nodeFiles } from '../../../../agent/files.js';
import { createRunner } from '../../../../agent/runner.js';
import type { UsbStorageFacts } from '../../../../protocol/checks/usb-storage.js';
import { schemaErrors, verdictOf } from '../fakes.js';

const written: string[] = [];
afterEach(() => {
  for (const f of written.splice(0)) rmSync(f, { force: true });
});

async function collect() {
  const c = await check.collect({ run: createRunner(), files: nodeFiles, now: () => Date.now() });
  const facts = c.facts as UsbStorageFacts;
  expect(schemaErrors('usb_storage', facts)).toEqual([]);
  return { c, facts, modprobe: facts.mechanisms.find((m) => m.name === 'modprobe')! };
}

/** What the kernel alone decides, seen from /proc and /sys: true blocks, false defeats a modprobe block, null neither. */
function kernelDecides(): boolean | null {
  const modules = existsSync('/proc/modules') ? readFileSync('/proc/modules', 'utf8') : null;
  const sys = existsSync('/sys/module/usb_storage');
  if (modules === null) return sys ? false : true;
  if (/^(usb_storage|uas) /m.test(modules) || sys) return false;
  return null;
}

describe('usb_storage collect on this machine (real modprobe configuration)', () => {
  it('"install usb-storage /bin/false" in /etc/modprobe.d blocks; removing the file takes the block away', async () => {
    const file = `/etc/modprobe.d/vigil-test-${randomBytes(4).toString('hex')}.conf`;
    written.push(file);
    writeFileSync(file, 'install usb-storage /bin/false\n');
    const on = await collect();
    expect(on.modprobe).toEqual({ name: 'modprobe', blocking: true, detail: 'install usb-storage /bin/false [modprobe --showconfig]' });
    const k = kernelDecides();
    expect(on.facts.blocked).toBe(k === false ? false : true);

    rmSync(file);
    const off = await collect();
    expect(off.modprobe.blocking).toBe(false);
    expect(off.facts.blocked).toBe(k === null ? false : k);
    expect(verdictOf('usb_storage', off.c).status).toBe(off.facts.blocked ? 'pass' : 'fail');
  });

  it('a blacklist alone is reported but not counted as blocking', async () => {
    const file = `/etc/modprobe.d/vigil-test-${randomBytes(4).toString('hex')}.conf`;
    written.push(file);
    writeFileSync(file, 'blacklist usb-storage\nblacklist uas\n');
    const { modprobe } = await collect();
    expect(modprobe.blocking).toBe(false);
    expect(modprobe.detail).toContain('only blacklisted (usb_storage, uas)');
  });
});
