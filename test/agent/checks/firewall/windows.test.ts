import { describe, expect, it } from 'vitest';
import check, { NETSH_ARGV, PROFILES_ARGV, backendFromNetsh, backendFromProfile, enforcedByPolicy } from '../../../../agent/checks/firewall/windows.js';
import { netshState, parseNetshProfiles } from '../../../../agent/checks/firewall/parse-netsh.js';
import { parseFirewallProfilesJson, parseFirewallProfilesText } from '../../../../agent/checks/firewall/parse-win-firewall.js';
import type { FirewallFacts } from '../../../../protocol/checks/firewall.js';
import { assertNeverPasses, exit, notFound, ok, probeError, psThrew, schemaErrors, timedOut, verdictOf, winDeps, winFixture, type Reply } from '../fakes-win32.js';

const netshFx = (f: string) => winFixture(f);

async function collect(ps: Reply, netsh: Reply = notFound) {
  const { deps, calls } = winDeps([
    [PROFILES_ARGV, ps],
    [NETSH_ARGV, netsh],
  ]);
  const c = await check.collect(deps);
  const facts = c.facts as FirewallFacts;
  return { c, calls, facts, verdict: verdictOf('firewall', c), p: (name: string) => facts.backends.find((b) => b.profile === name) };
}

// Our collector's Select-Object output for the three profiles (numeric enums as Windows PowerShell 5.1
// writes them), built from the documented MSFT_NetFirewallProfile values.
const ALL_ON = '[{"Name":"Domain","Enabled":1,"DefaultInboundAction":0},{"Name":"Private","Enabled":1,"DefaultInboundAction":4},{"Name":"Public","Enabled":1,"DefaultInboundAction":4}]';

describe('Get-NetFirewallProfile parsers', () => {
  it('JSON (cnquery capture): Enabled as GpoBoolean 1, DefaultInboundAction 0 = NotConfigured; only two profiles present', () => {
    expect(parseFirewallProfilesJson(winFixture('get-netfirewallprofile/json-private-public-enabled.txt'))).toEqual([
      { profile: 'Private', enabled: true, inbound: 'notconfigured' },
      { profile: 'Public', enabled: true, inbound: 'notconfigured' },
    ]);
  });

  it('Format-List hard-wrapped every three characters, with BOM and CRLF, is joined back', () => {
    expect(parseFirewallProfilesText(winFixture('get-netfirewallprofile/format-list-narrow-console-wrapped-crlf-bom.txt'))).toEqual([
      { profile: 'Domain', enabled: true, inbound: 'notconfigured' },
      { profile: 'Private', enabled: true, inbound: 'notconfigured' },
      { profile: 'Public', enabled: true, inbound: 'notconfigured' },
    ]);
  });

  it('Format-Table on Server 2025', () => {
    expect(parseFirewallProfilesText(winFixture('get-netfirewallprofile/table-server2025-all-enabled-notconfigured.txt'))?.map((p) => `${p.profile}:${p.enabled}:${p.inbound}`)).toEqual([
      'Domain:true:notconfigured',
      'Private:true:notconfigured',
      'Public:true:notconfigured',
    ]);
  });

  it('enum values: Block 4, Allow 2, NotConfigured 0; GpoBoolean NotConfigured 2 is no value', () => {
    expect(parseFirewallProfilesJson('{"Name":"Public","Enabled":0,"DefaultInboundAction":2}')).toEqual([{ profile: 'Public', enabled: false, inbound: 'allow' }]);
    expect(parseFirewallProfilesJson('[{"Profile":4,"Enabled":"True","DefaultInboundAction":"Block"},{"Name":"Domain","Enabled":2,"DefaultInboundAction":7}]')).toEqual([
      { profile: 'Public', enabled: true, inbound: 'block' },
      { profile: 'Domain', enabled: null, inbound: null },
    ]);
  });

  it('blank, truncated, wrong shape and garbage give null', () => {
    expect(parseFirewallProfilesJson('')).toBeNull();
    expect(parseFirewallProfilesJson(winFixture('get-netfirewallprofile/json-private-public-enabled.txt').slice(0, 500))).toBeNull();
    expect(parseFirewallProfilesJson('[{"Name":"Work"}]')).toBeNull();
    expect(parseFirewallProfilesText('')).toBeNull();
    expect(parseFirewallProfilesText('Name : Dom\r\n')).toBeNull();
  });

  it('property: never throws and never passes on random input', () => {
    const toFacts = (profiles: ReturnType<typeof parseFirewallProfilesText>) => (profiles ? { backends: profiles.map((p) => backendFromProfile(p, null)) } : null);
    assertNeverPasses('firewall', (t) => toFacts(parseFirewallProfilesJson(t)));
    // Lines of a real Format-List with the Private profile left out: a pass needs all three profiles.
    assertNeverPasses('firewall', (t) => toFacts(parseFirewallProfilesText(t)), [
      'Name                  : Domain',
      'Name                  : Public',
      'Enabled               : True',
      'DefaultInboundAction  : Block',
      'DefaultInboundAction  : Not',
      '                        Configured',
      '',
    ]);
  });
});

describe('netsh advfirewall parser', () => {
  it('show allprofiles on a domain lab host: all OFF, local store (GPO-only settings N/A)', () => {
    expect(parseNetshProfiles(netshFx('netsh-advfirewall-allprofiles/en-US-all-off-gpo-store.txt'))).toEqual([
      { profile: 'Domain', enabled: false, inbound: 'block', localStore: true },
      { profile: 'Private', enabled: false, inbound: 'block', localStore: true },
      { profile: 'Public', enabled: false, inbound: 'block', localStore: true },
    ]);
  });

  it('show allprofiles state: headers with a trailing space, leading blank line, "Ok."', () => {
    expect(parseNetshProfiles(netshFx('netsh-advfirewall-allprofiles-state/en-US-all-off.txt'))).toEqual([
      { profile: 'Domain', enabled: false, inbound: null, localStore: false },
      { profile: 'Private', enabled: false, inbound: null, localStore: false },
      { profile: 'Public', enabled: false, inbound: null, localStore: false },
    ]);
  });

  it('show currentprofile and monitor show firewall', () => {
    expect(parseNetshProfiles(netshFx('netsh-advfirewall-currentprofile/en-US-domain-off-gpo-store.txt'))).toEqual([{ profile: 'Domain', enabled: false, inbound: 'block', localStore: true }]);
    expect(parseNetshProfiles(netshFx('netsh-advfirewall-currentprofile/en-US-domain-on-gpo-store-datacadamia.txt'))).toEqual([{ profile: 'Domain', enabled: true, inbound: 'block', localStore: true }]);
    expect(parseNetshProfiles(netshFx('netsh-advfirewall-currentprofile/en-US-public-monitor-show-firewall-datacadamia.txt'))).toEqual([{ profile: 'Public', enabled: true, inbound: 'block', localStore: false }]);
  });

  it('translated state words and profile headers', () => {
    for (const [w, v] of [['ON', true], ['EIN', true], ['ACTIVÉ', true], ['Activado', true], ['ATIVADO', true], ['OFF', false], ['AUS', false], ['DÉSACTIVÉ', false], ['DÃ‰SACTIVÃ‰', false], ['Desactivado', false], ['DESATIVADO', false], ['?', null]] as const) {
      expect(netshState(w)).toBe(v);
    }
    const de = 'Domänenprofil-Einstellungen:\r\n----------------------------------------------------------------------\r\nStatus                                EIN\r\nFirewallrichtlinie                    BlockInbound,AllowOutbound\r\n\r\nÖffentliches Profil Einstellungen:\r\n----------------------------------------------------------------------\r\nStatus                                AUS\r\n';
    expect(parseNetshProfiles(de)).toEqual([
      { profile: 'Domain', enabled: true, inbound: 'block', localStore: false },
      { profile: 'Public', enabled: false, inbound: null, localStore: false },
    ]);
  });

  it('blank, error and truncated output', () => {
    expect(parseNetshProfiles('')).toEqual([]);
    expect(parseNetshProfiles('The following command was not found: advfirewall monitor show firewall.\r\n')).toEqual([]);
    const full = netshFx('netsh-advfirewall-allprofiles/en-US-all-off-gpo-store.txt');
    // Cut inside the State line: the state is unknown, not off.
    expect(parseNetshProfiles(full.slice(0, 120))).toEqual([{ profile: 'Domain', enabled: null, inbound: null, localStore: false }]);
    expect(parseNetshProfiles(full.slice(0, 140))).toEqual([{ profile: 'Domain', enabled: false, inbound: null, localStore: false }]);
  });

  it('property: never throws and never passes on random input', () => {
    assertNeverPasses('firewall', (t) => ({ backends: parseNetshProfiles(t).map(backendFromNetsh) }), [
      'Domain Profile Settings:',
      'Public Profile Settings:',
      '----------------------------------------------------------------------',
      'State                                 ON',
      'Firewall Policy                       BlockInbound,AllowOutbound',
      '',
    ]);
  });
});

describe('firewall collect on Windows (replayed)', () => {
  it('ActiveStore has all three profiles on; NotConfigured inbound is the Windows default block; RSOP shows Domain set by GPO', async () => {
    const rsop = '[{"Name":"Domain","Enabled":1,"DefaultInboundAction":0},{"Name":"Private","Enabled":2,"DefaultInboundAction":0},{"Name":"Public","Enabled":2,"DefaultInboundAction":0}]';
    const { c, calls, facts, verdict } = await collect(ok(`{"active":${ALL_ON},"rsop":${rsop}}`));
    expect(facts.backends).toEqual([
      { name: 'windows-firewall', profile: 'Domain', active: true, inboundDefault: 'deny', policyEnforced: true, detail: 'DefaultInboundAction NotConfigured: the Windows default (block) applies' },
      { name: 'windows-firewall', profile: 'Private', active: true, inboundDefault: 'deny', policyEnforced: false },
      { name: 'windows-firewall', profile: 'Public', active: true, inboundDefault: 'deny', policyEnforced: false },
    ]);
    expect(verdict).toEqual({ status: 'pass' });
    expect(calls).toHaveLength(1);
    expect(c.evidence).toEqual([{ source: 'powershell.exe: Get-NetFirewallProfile -PolicyStore ActiveStore, RSOP | ConvertTo-Json', exitCode: 0, durationMs: 1 }]);
    expect(schemaErrors('firewall', facts)).toEqual([]);
  });

  it('the recorded cnquery capture lacks the Domain profile: unknown, not pass', async () => {
    const { facts, verdict } = await collect(ok(`{"active":${winFixture('get-netfirewallprofile/json-private-public-enabled.txt')},"rsop":[]}`));
    expect(facts.backends.map((b) => `${b.profile}:${b.active}:${b.inboundDefault}`)).toEqual(['Private:true:deny', 'Public:true:deny']);
    expect(verdict).toEqual({ status: 'unknown', reason: 'Domain profile was not reported' });
  });

  it('a profile that is off or allows inbound fails; RSOP failing leaves policyEnforced unknown', async () => {
    const active = '[{"Name":"Domain","Enabled":1,"DefaultInboundAction":4},{"Name":"Private","Enabled":0,"DefaultInboundAction":4},{"Name":"Public","Enabled":1,"DefaultInboundAction":2}]';
    const rsop = probeError('Access is denied.', 'Windows System Error 5,Get-NetFirewallProfile', 'PermissionDenied');
    const { c, facts, verdict } = await collect(ok(JSON.stringify({ active: JSON.parse(active), rsop })));
    expect(facts.backends.every((b) => b.policyEnforced === null)).toBe(true);
    expect(verdict).toEqual({ status: 'fail', reason: 'Private profile is off; Public profile allows inbound by default' });
    expect(c.evidence[1]).toEqual({ source: 'powershell.exe: Get-NetFirewallProfile -PolicyStore RSOP', error: 'Get-NetFirewallProfile -PolicyStore RSOP: access denied, needs administrator (Access is denied.)' });
  });

  it('no NetSecurity module (Windows 7): the effective state from netsh monitor show firewall', async () => {
    const missing = ok(JSON.stringify({ active: probeError("The term 'Get-NetFirewallProfile' is not recognized", 'CommandNotFoundException', 'ObjectNotFound'), rsop: probeError('x', 'CommandNotFoundException', 'ObjectNotFound') }));
    const { c, calls, facts, verdict } = await collect(missing, ok(netshFx('netsh-advfirewall-currentprofile/en-US-public-monitor-show-firewall-datacadamia.txt')));
    expect(calls.map((x) => x.argv.join(' '))).toContain('netsh advfirewall monitor show firewall');
    expect(facts.backends).toEqual([{ name: 'windows-firewall', profile: 'Public', active: true, inboundDefault: 'deny', policyEnforced: null }]);
    expect(verdict.status).toBe('unknown');
    expect(c.evidence.map((e) => e.source)).toEqual(['powershell.exe: Get-NetFirewallProfile -PolicyStore ActiveStore, RSOP | ConvertTo-Json', 'netsh advfirewall monitor show firewall']);
  });

  it('netsh reporting every profile OFF fails, and says when it only saw the local store', async () => {
    const { facts, verdict } = await collect(notFound, ok(netshFx('netsh-advfirewall-allprofiles/en-US-all-off-gpo-store.txt')));
    expect(facts.backends[0]).toEqual({
      name: 'windows-firewall',
      profile: 'Domain',
      active: false,
      inboundDefault: 'deny',
      policyEnforced: null,
      detail: 'netsh shows the local policy store, which Group Policy may override',
    });
    expect(verdict).toEqual({ status: 'fail', reason: 'Domain profile is off; Private profile is off; Public profile is off' });
    const state = await collect(notFound, ok(netshFx('netsh-advfirewall-allprofiles-state/en-US-all-off.txt')));
    expect(state.verdict.status).toBe('fail');
  });

  it('PowerShell refused and netsh not permitted: facts null, never pass', async () => {
    const { c, verdict } = await collect(
      psThrew('Get-NetFirewallProfile : Access is denied.', 'Windows System Error 5,Get-NetFirewallProfile', 'PermissionDenied'),
      exit(1, 'The requested operation requires elevation (Run as administrator).\r\n'),
    );
    expect(c.facts).toBeNull();
    expect(c.reason).toMatch(/access denied, needs administrator/);
    expect(verdict.status).toBe('unknown');
  });

  it('timeouts and unparseable output: unknown', async () => {
    const t = await collect(timedOut, timedOut);
    expect(t.c.facts).toBeNull();
    expect(t.c.reason).toMatch(/timed out/);
    const g = await collect(ok('not json'), ok('garbage'));
    expect(g.c.facts).toBeNull();
    expect(g.verdict.status).toBe('unknown');
  });

  it('enforcedByPolicy reads RSOP values', () => {
    expect(enforcedByPolicy([{ Name: 'Public', Enabled: 2, DefaultInboundAction: 4 }], 'Public')).toBe(true);
    expect(enforcedByPolicy([{ Name: 'Public', Enabled: 2, DefaultInboundAction: 0 }], 'Public')).toBe(false);
    expect(enforcedByPolicy(null, 'Domain')).toBe(false);
  });
});
