import { describe, expect, it } from 'vitest';
import check from '../../../../agent/checks/usb_storage/linux.js';
import {
  implicitPolicyTarget,
  installCommandBlocks,
  modprobeBlocksUsbStorage,
  parseModprobeConfig,
  parseModulesBuiltin,
  parseProcModules,
  parseUsbguardRules,
  usbguardBlocksStorage,
} from '../../../../agent/checks/usb_storage/parse-usb.js';
import type { UsbStorageFacts } from '../../../../protocol/checks/usb-storage.js';
import { exit, fakeDeps, fakeFiles, fakeRunner, fixture, ok, schemaErrors, timedOut, verdictOf, type Reply } from '../fakes.js';

const showconfig = (f: string) => parseModprobeConfig(fixture(f).split(/^# End of configuration files/m)[0]!);

describe('modprobe configuration', () => {
  it('this machine without rules, with "install usb-storage /bin/false", with blacklists only (kmod writes usb_storage)', () => {
    expect(modprobeBlocksUsbStorage(showconfig('modprobe-showconfig/debian12-no-usb-rules.txt'))).toEqual({ blocking: false, detail: 'no blacklist or install rule for usb-storage' });
    expect(modprobeBlocksUsbStorage(showconfig('modprobe-showconfig/debian12-install-usb-storage-false.txt'))).toEqual({ blocking: true, detail: 'install usb-storage /bin/false' });
    const bl = modprobeBlocksUsbStorage(showconfig('modprobe-showconfig/debian12-blacklist-only.txt'));
    expect(bl.blocking).toBe(false);
    expect(bl.detail).toContain('only blacklisted (usb_storage, uas)');
  });

  it('file syntax: comments, continuation lines, dashes and underscores alike; the first install line wins', () => {
    const c = parseModprobeConfig('# x\ninstall usb-storage \\\n  /bin/true\ninstall usb_storage /sbin/modprobe --ignore-install usb-storage\nblacklist uas\n');
    expect(c.install.get('usb_storage')).toBe('/bin/true');
    expect([...c.blacklisted]).toEqual(['uas']);
    expect(installCommandBlocks('/sbin/modprobe --ignore-install usb-storage $CMDLINE_OPTS')).toBe(false);
    expect(installCommandBlocks('/usr/bin/logger "usb-storage blocked"; /bin/false')).toBe(true);
    expect(modprobeBlocksUsbStorage(parseModprobeConfig('install usb-storage /sbin/modprobe --ignore-install usb-storage\n')).blocking).toBe(false);
    expect(modprobeBlocksUsbStorage(parseModprobeConfig('')).blocking).toBe(false);
  });

  it('module lists', () => {
    expect([...parseProcModules('usb_storage 81920 1 uas, Live 0x0000000000000000\nuas 32768 0 - Live 0x0\n')]).toEqual(['usb_storage', 'uas']);
    expect(parseProcModules('garbage').size).toBe(0);
    expect([...parseModulesBuiltin('kernel/drivers/usb/storage/usb-storage.ko\nkernel/fs/ext4/ext4.ko\n')]).toEqual(['usb_storage', 'ext4']);
  });
});

// USBGuard could not run here (the kernel has no USB); rules follow usbguard-rules.conf(5).
describe('USBGuard rules', () => {
  it('first matching rule for an unknown stick decides; device-specific rules do not match it', () => {
    const rules = parseUsbguardRules('1: allow id 1d6b:0002 serial "0000:00:14.0" with-interface 09:00:00\n2: allow id 0781:5583 serial "4C53" with-interface equals { 08:06:50 }\n3: allow with-interface equals { 03:*:* }\n')!;
    expect(rules.map((r) => [r.target, r.specific, r.storage])).toEqual([['allow', true, false], ['allow', true, true], ['allow', false, false]]);
    expect(usbguardBlocksStorage(rules, 'block')).toEqual({ blocking: true, detail: 'devices not allowed by a rule are blocked (ImplicitPolicyTarget=block)' });
    expect(usbguardBlocksStorage(parseUsbguardRules('allow with-interface one-of { 08:*:* 03:*:* }\n')!, 'block').blocking).toBe(false);
    expect(usbguardBlocksStorage(parseUsbguardRules('reject with-interface all-of { 08:*:* }\nallow\n')!, 'allow').blocking).toBe(true);
    expect(usbguardBlocksStorage(parseUsbguardRules('allow with-interface none-of { 08:*:* }\n')!, 'allow').blocking).toBe(false);
    expect(usbguardBlocksStorage([], 'allow').blocking).toBe(false);
    expect(parseUsbguardRules('IPC connection failure!')).toBeNull();
    expect(implicitPolicyTarget('RuleFile=/etc/usbguard/rules.conf\nImplicitPolicyTarget=reject\n')).toBe('reject');
    expect(implicitPolicyTarget('')).toBe('block');
  });
});

const SHOWCONFIG = 'modprobe --showconfig';
// This machine's kernel: no loadable-module support (no /proc/modules), no built-in usb-storage.
const NO_MODULES = { '/proc/sys/kernel/osrelease': '6.18.44-fc-v769\n' };
// A typical distribution kernel: modules, usb-storage not loaded.
const MODULAR = { '/proc/sys/kernel/osrelease': '6.1.0-27-amd64\n', '/proc/modules': 'ext4 1060864 1 - Live 0x0\n', '/lib/modules/6.1.0-27-amd64/modules.builtin': 'kernel/fs/ext4/ext4.ko\n' };

async function collect(replies: Record<string, Reply>, files: Record<string, string>, dirs: Record<string, number> = {}) {
  const c = await check.collect(fakeDeps(fakeRunner(replies), fakeFiles(files, dirs)));
  const facts = c.facts as UsbStorageFacts;
  return { c, facts, m: (n: string) => facts.mechanisms.find((x) => x.name === n), verdict: verdictOf('usb_storage', c) };
}

describe('usb_storage collect (replayed)', () => {
  it('this build machine: no modprobe rule, but a kernel without modules or the driver can never drive a stick: pass', async () => {
    const { facts, verdict } = await collect({ [SHOWCONFIG]: ok(fixture('modprobe-showconfig/debian12-no-usb-rules.txt')) }, NO_MODULES);
    expect(facts).toEqual({
      blocked: true,
      mechanisms: [
        { name: 'modprobe', blocking: false, detail: 'no blacklist or install rule for usb-storage [modprobe --showconfig]' },
        { name: 'kernel', blocking: true, detail: 'kernel without loadable-module support and without a built-in usb-storage driver' },
      ],
    });
    expect(schemaErrors('usb_storage', facts)).toEqual([]);
    expect(verdict).toEqual({ status: 'pass' });
  });

  it('a modular kernel: the install line blocks (pass), a blacklist alone does not (fail), nothing (fail)', async () => {
    const blocked = await collect({ [SHOWCONFIG]: ok(fixture('modprobe-showconfig/debian12-install-usb-storage-false.txt')) }, MODULAR);
    expect(blocked.facts.blocked).toBe(true);
    expect(blocked.verdict.status).toBe('pass');
    const bl = await collect({ [SHOWCONFIG]: ok(fixture('modprobe-showconfig/debian12-blacklist-only.txt')) }, MODULAR);
    expect(bl.facts.blocked).toBe(false);
    expect(bl.m('modprobe')?.detail).toContain('only blacklisted');
    expect(bl.verdict).toEqual({ status: 'fail', reason: 'USB mass storage is not blocked' });
    const none = await collect({ [SHOWCONFIG]: ok(fixture('modprobe-showconfig/debian12-no-usb-rules.txt')) }, MODULAR);
    expect(none.facts.blocked).toBe(false);
  });

  it('the module already loaded, or built in, defeats an install line', async () => {
    const loaded = await collect({ [SHOWCONFIG]: ok(fixture('modprobe-showconfig/debian12-install-usb-storage-false.txt')) }, { ...MODULAR, '/proc/modules': 'usb_storage 81920 0 - Live 0x0\n' }, { '/sys/module/usb_storage': 1 });
    expect(loaded.facts.blocked).toBe(false);
    expect(loaded.m('kernel')?.detail).toContain('loaded now');
    const builtin = await collect({ [SHOWCONFIG]: ok(fixture('modprobe-showconfig/debian12-install-usb-storage-false.txt')) }, { ...MODULAR, '/lib/modules/6.1.0-27-amd64/modules.builtin': 'kernel/drivers/usb/storage/usb-storage.ko\n' });
    expect(builtin.facts.blocked).toBe(false);
    expect(builtin.m('kernel')?.detail).toContain('built into the kernel');
  });

  it('without modprobe the modprobe.d files are read in kmod\'s order', async () => {
    const { facts, m } = await collect(
      { modprobe: { exitCode: null, failure: 'not-found' }, 'find /etc/modprobe.d -mindepth 1 -maxdepth 1 -type f': ok('/etc/modprobe.d/usb.conf\n') },
      { ...MODULAR, '/etc/modprobe.d/usb.conf': 'install usb-storage /bin/true\n' },
      { '/etc/modprobe.d': 1 },
    );
    expect(facts.blocked).toBe(true);
    expect(m('modprobe')?.detail).toContain('1 file(s) under modprobe.d');
  });

  it('modprobe timing out and the directories unlistable: unknown, never pass', async () => {
    const { facts, verdict } = await collect({ modprobe: timedOut, find: timedOut }, MODULAR, { '/etc/modprobe.d': 1 });
    expect(facts.blocked).toBeNull();
    expect(verdict.status).toBe('unknown');
  });

  it('USBGuard running with the default block policy blocks even with usb-storage loadable', async () => {
    const { facts, m } = await collect(
      {
        [SHOWCONFIG]: ok(fixture('modprobe-showconfig/debian12-no-usb-rules.txt')),
        'pgrep -l -x usbguard-daemon': ok('700 usbguard-daemon\n'),
        'usbguard list-rules': ok('1: allow id 1d6b:0002 serial "0000:00:14.0" with-interface 09:00:00\n'),
      },
      { ...MODULAR, '/usr/sbin/usbguard-daemon': '', '/etc/usbguard/usbguard-daemon.conf': 'ImplicitPolicyTarget=block\n' },
    );
    expect(m('usbguard')).toMatchObject({ blocking: true });
    expect(facts.blocked).toBe(true);
  });

  it('USBGuard installed but its rules unreadable (IPC refused): unknown unless something else blocks', async () => {
    const { facts } = await collect(
      { [SHOWCONFIG]: ok(fixture('modprobe-showconfig/debian12-no-usb-rules.txt')), 'pgrep -l -x usbguard-daemon': ok('700 usbguard-daemon\n'), 'usbguard list-rules': exit(1, '', 'IPC connection failure!\n') },
      { ...MODULAR, '/usr/sbin/usbguard-daemon': '' },
    );
    expect(facts.blocked).toBeNull();
  });
});
