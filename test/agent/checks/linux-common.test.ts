import { describe, expect, it } from 'vitest';
import { dropInOrder, parseFileList, parsePgrepList, parseSystemctlShow, Probe, serviceStates } from '../../../agent/checks/linux-common.js';
import { exit, fakeDeps, fakeFiles, fakeRunner, ok, timedOut } from './fakes.js';

describe('linux-common parsers', () => {
  // systemd is not PID 1 on the build machine, so `systemctl show` could not be recorded; the blocks
  // follow systemctl(1) (one KEY=value block per unit, in the order asked, blank line between).
  it('systemctl show blocks, including a unit that does not exist', () => {
    const blocks = parseSystemctlShow('Id=ssh.service\nLoadState=loaded\nActiveState=active\nUnitFileState=enabled\n\nId=nope.service\nLoadState=not-found\nActiveState=inactive\nUnitFileState=\n');
    expect(blocks.map((b) => Object.fromEntries(b))).toEqual([
      { Id: 'ssh.service', LoadState: 'loaded', ActiveState: 'active', UnitFileState: 'enabled' },
      { Id: 'nope.service', LoadState: 'not-found', ActiveState: 'inactive', UnitFileState: '' },
    ]);
    expect(parseSystemctlShow('')).toEqual([]);
    expect(parseSystemctlShow('System has not been booted with systemd as init system (PID 1). Can\'t operate.')).toEqual([]);
  });

  it('pgrep -l names, find listings, drop-in order', () => {
    expect([...parsePgrepList('  812 auditd\n1 systemd\nnot a line\n')]).toEqual(['auditd', 'systemd']);
    expect(parseFileList('/etc/b\n/etc/a\nfind: x: Permission denied\n')).toEqual(['/etc/a', '/etc/b']);
    expect(dropInOrder([['/etc/x.d/20-b.conf', '/etc/x.d/zz.txt'], ['/usr/lib/x.d/20-b.conf', '/usr/lib/x.d/10-a.conf']])).toEqual(['/usr/lib/x.d/10-a.conf', '/etc/x.d/20-b.conf']);
  });
});

describe('serviceStates', () => {
  const specs = [{ unit: 'ssh.service', process: 'sshd' }, { unit: 'chrony.service', process: 'chronyd' }];

  it('with systemd: one systemctl show for all units', async () => {
    const calls: string[] = [];
    const p = new Probe(fakeDeps(fakeRunner({ systemctl: ok('Id=ssh.service\nLoadState=loaded\nActiveState=inactive\nUnitFileState=enabled\n\nId=chrony.service\nLoadState=not-found\nActiveState=inactive\nUnitFileState=\n') }, calls), fakeFiles({ '/run/systemd/system': '' })));
    const s = await serviceStates(p, specs);
    expect(calls).toEqual(['systemctl show --no-pager --property=Id,LoadState,ActiveState,UnitFileState -- ssh.service chrony.service']);
    expect(s.get('ssh.service')).toEqual({ installed: true, active: false, enabled: true, detail: 'ssh.service inactive, enabled' });
    expect(s.get('chrony.service')).toMatchObject({ installed: false, active: false, enabled: false });
  });

  it('without systemd: the process list (pgrep exits 1 when nothing matches)', async () => {
    const p = new Probe(fakeDeps(fakeRunner({ 'pgrep -l -x sshd|chronyd': ok('77 chronyd\n') }), fakeFiles({})));
    const s = await serviceStates(p, specs);
    expect(s.get('chrony.service')).toMatchObject({ installed: true, active: true, enabled: true });
    expect(s.get('ssh.service')).toMatchObject({ installed: null, active: false, enabled: false });
    const none = await serviceStates(new Probe(fakeDeps(fakeRunner({ pgrep: exit(1, '') }), fakeFiles({}))), specs);
    expect(none.get('ssh.service')?.active).toBe(false);
  });

  it('a failed or mismatched answer leaves every state unknown', async () => {
    const t = await serviceStates(new Probe(fakeDeps(fakeRunner({ pgrep: timedOut }), fakeFiles({}))), specs);
    expect([...t.values()].map((x) => x.active)).toEqual([null, null]);
    const short = await serviceStates(new Probe(fakeDeps(fakeRunner({ systemctl: ok('Id=ssh.service\nLoadState=loaded\nActiveState=active\n') }), fakeFiles({ '/run/systemd/system': '' }))), specs);
    expect([...short.values()].map((x) => x.active)).toEqual([null, null]);
    expect(short.get('ssh.service')?.detail).toContain('unexpected output');
  });
});

describe('Probe', () => {
  it('readAll refuses a file that fills the whole read (it may be cut short)', async () => {
    const p = new Probe(fakeDeps(fakeRunner({}), fakeFiles({ '/a': 'x'.repeat(10), '/b': 'x'.repeat(3) })));
    expect(await p.readAll('/a', 10)).toBeNull();
    expect(await p.readAll('/b', 10)).toBe('xxx');
    expect(p.evidence).toEqual([{ source: 'read /a', error: 'larger than 10 bytes' }, { source: 'read /b' }]);
  });

  it('listDir: a missing directory is empty without running anything; a failed listing is null', async () => {
    const calls: string[] = [];
    const p = new Probe(fakeDeps(fakeRunner({ find: timedOut }, calls), fakeFiles({}, { '/there': 1 })));
    expect(await p.listDir('/missing')).toEqual([]);
    expect(calls).toEqual([]);
    expect(await p.listDir('/there')).toBeNull();
  });
});
