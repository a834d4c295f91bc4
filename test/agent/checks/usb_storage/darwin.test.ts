import { describe, expect, it } from 'vitest';
import check, { MANAGED_PREFS_DIR, SYSTEMUISERVER_MANAGED } from '../../../../agent/checks/usb_storage/darwin.js';
import { externalDiskPolicy } from '../../../../agent/checks/usb_storage/parse-mount-controls.js';
import { parsePlist, plutilArgv } from '../../../../agent/checks/darwin-common.js';
import type { UsbStorageFacts } from '../../../../protocol/checks/usb-storage.js';
import { fakeDeps, fakeFiles, fakeRunner, schemaErrors, verdictOf, type Reply } from '../fakes.js';
import { assertNeverPassesOnRandom, assertParserTotal, key, macFixture, plistAt } from '../fakes-darwin.js';

const DENY = macFixture('managed-preferences/constructed-systemuiserver-external-deny.txt');

describe('externalDiskPolicy', () => {
  it('deny/eject block; read-only does not; no mount-controls is "none"', () => {
    expect(externalDiskPolicy(parsePlist(DENY))).toEqual({ blocking: true, actions: ['deny', 'eject'] });
    expect(externalDiskPolicy({ 'mount-controls': { 'harddisk-external': ['read-only'] } })).toEqual({ blocking: false, actions: ['read-only'] });
    expect(externalDiskPolicy({ 'mount-controls': { dvd: ['deny'] } })).toBe('none');
    expect(externalDiskPolicy({ other: 1 })).toBe('none');
    expect(externalDiskPolicy({ 'mount-controls': 'x' })).toBeNull();
    expect(externalDiskPolicy(null)).toBeNull();
  });
  it('never throws', () => assertParserTotal((t) => externalDiskPolicy(parsePlist(t))));
});

async function collect(replies: Record<string, Reply>, files: Record<string, string>, mtimes: Record<string, number> = {}) {
  const c = await check.collect(fakeDeps(fakeRunner(replies), fakeFiles(files, mtimes)));
  return { c, facts: c.facts as UsbStorageFacts };
}

describe('usb_storage collect (darwin, replayed)', () => {
  it('a Media Access profile denying external disks blocks USB storage', async () => {
    const m = plistAt(SYSTEMUISERVER_MANAGED, DENY);
    const { c, facts } = await collect(m.replies, m.files, { [MANAGED_PREFS_DIR]: 1 });
    expect(facts).toEqual({ blocked: true, mechanisms: [{ name: 'media-access-profile', blocking: true, detail: 'harddisk-external: deny, eject' }] });
    expect(schemaErrors('usb_storage', facts)).toEqual([]);
    expect(verdictOf('usb_storage', c)).toEqual({ status: 'pass' });
  });

  it('no managed preferences at all: not blocked, fails', async () => {
    const { c, facts } = await collect({}, {});
    expect(facts.blocked).toBe(false);
    expect(verdictOf('usb_storage', c)).toEqual({ status: 'fail', reason: 'USB mass storage is not blocked' });
  });

  it('managed preferences without a Media Access profile: not blocked', async () => {
    const { facts } = await collect({}, {}, { [MANAGED_PREFS_DIR]: 1 });
    expect(facts.mechanisms[0]!.detail).toBe('no Media Access (com.apple.systemuiserver) profile is installed');
  });

  it('a profile that cannot be read (plutil denied, binary file): unknown', async () => {
    const { c, facts } = await collect({ [key(plutilArgv(SYSTEMUISERVER_MANAGED))]: { exitCode: null, failure: 'permission' } }, { [SYSTEMUISERVER_MANAGED]: 'bplist00\u0000\u0001' }, { [MANAGED_PREFS_DIR]: 1 });
    expect(facts.blocked).toBeNull();
    expect(verdictOf('usb_storage', c).status).toBe('unknown');
  });

  it('random output never passes', () => assertNeverPassesOnRandom(check));
});
