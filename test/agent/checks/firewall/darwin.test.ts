import { describe, expect, it } from 'vitest';
import check, { ALF_PLIST, FIREWALL_MANAGED, SOCKETFILTERFW_APPS_ARGV, SOCKETFILTERFW_STATE_ARGV } from '../../../../agent/checks/firewall/darwin.js';
import { parseSocketFilterApps, parseSocketFilterState } from '../../../../agent/checks/firewall/parse-socketfilterfw.js';
import type { FirewallFacts } from '../../../../protocol/checks/firewall.js';
import { evaluateResult } from '../../../../protocol/checks/index.js';
import { fakeDeps, fakeFiles, fakeRunner, notFound, ok, schemaErrors, timedOut, verdictOf, type Reply } from '../fakes.js';
import { assertNeverPassesOnRandom, assertParserTotal, assertSchemaValidOnLines, key, linesOf, macFixture, merge, plistAt } from '../fakes-darwin.js';

const MULTI = macFixture('socketfilterfw/multi-flag-enabled-state2-stealth-on-logging.txt');

describe('parseSocketFilterState', () => {
  it('kolide capture: State = 2 means block-all whatever the block-all line says; stealth on', () => {
    expect(parseSocketFilterState(MULTI)).toEqual({ enabled: true, state: 2, blockAll: true, stealth: true });
  });
  it('state 1 and 0, old and new wording', () => {
    expect(parseSocketFilterState('Firewall is enabled. (State = 1)\nFirewall has block all state set to disabled.\nStealth mode disabled\n')).toEqual({ enabled: true, state: 1, blockAll: false, stealth: false });
    expect(parseSocketFilterState('Firewall is disabled. (State = 0)\r\nFirewall stealth mode is off\r\n')).toEqual({ enabled: false, state: 0, blockAll: null, stealth: false });
    expect(parseSocketFilterState('Firewall is enabled. (State = 1)\nBlock all INCOMING connections: enabled\n')).toMatchObject({ blockAll: true });
  });
  it('returns null for errors, localized and blank output', () => {
    expect(parseSocketFilterState('')).toBeNull();
    expect(parseSocketFilterState('Die Firewall ist aktiviert.')).toBeNull();
    expect(parseSocketFilterState('socketfilterfw: must be root')).toBeNull();
  });
  it('never throws', () => assertParserTotal(parseSocketFilterState));
});

describe('parseSocketFilterApps', () => {
  it('counts app rules in the old and the macOS 26 layout', () => {
    expect(parseSocketFilterApps(macFixture('socketfilterfw/listapps.txt'))).toBe(6);
    expect(parseSocketFilterApps(macFixture('socketfilterfw/listapps-macos26-new-format-head2.txt'))).toBe(8);
    expect(parseSocketFilterApps('replicatord (state: 1)')).toBeNull();
    expect(parseSocketFilterApps('')).toBeNull();
  });
  it('never throws', () => assertParserTotal(parseSocketFilterApps));
});

const STATE = key(SOCKETFILTERFW_STATE_ARGV);
const APPS = key(SOCKETFILTERFW_APPS_ARGV);

async function collect(replies: Record<string, Reply>, files: Record<string, string> = {}) {
  const c = await check.collect(fakeDeps(fakeRunner(replies), fakeFiles(files)));
  return { c, b: (c.facts as FirewallFacts).backends[0]! };
}

describe('firewall collect (darwin, replayed)', () => {
  it('enabled, blocking all, stealth on: passes, also with stealth required', async () => {
    const { c, b } = await collect({ [STATE]: ok(MULTI), [APPS]: ok(macFixture('socketfilterfw/listapps.txt')) });
    expect(b).toEqual({ name: 'socketfilterfw', active: true, inboundDefault: 'deny', rules: 6, policyEnforced: false, stealth: true, blockAll: true, detail: 'global state 2, blocking all incoming connections' });
    expect(schemaErrors('firewall', c.facts)).toEqual([]);
    expect(verdictOf('firewall', c)).toEqual({ status: 'pass' });
    const strict = evaluateResult({ id: 'firewall', status: 'unknown', facts: c.facts }, { requireInboundDeny: true, windowsProfiles: [], requireStealth: true }, { collectedAt: new Date().toISOString(), role: 'workstation' });
    expect(strict.status).toBe('pass');
  });

  it('disabled fails', async () => {
    const { c, b } = await collect({ [STATE]: ok('Firewall is disabled. (State = 0)\n') , [APPS]: ok(macFixture('socketfilterfw/listapps-macos26-new-format-head2.txt')) });
    expect(b).toMatchObject({ active: false, inboundDefault: null, rules: 8 });
    expect(verdictOf('firewall', c)).toEqual({ status: 'fail', reason: 'the application firewall is off' });
  });

  it('socketfilterfw missing: the MDM firewall payload decides and is marked enforced', async () => {
    const m = merge(plistAt(FIREWALL_MANAGED, macFixture('managed-preferences/constructed-firewall-payload-on-stealth.txt')));
    const { c, b } = await collect({ [STATE]: notFound, ...m.replies }, m.files);
    expect(b).toMatchObject({ active: true, inboundDefault: 'allow', stealth: true, blockAll: false, policyEnforced: true });
    expect(b.detail).toContain('is not installed');
    expect(verdictOf('firewall', c).status).toBe('pass');
  });

  it('socketfilterfw timed out, no managed payload, com.apple.alf.plist globalstate 0: fails', async () => {
    const alf = '<plist version="1.0"><dict><key>globalstate</key><integer>0</integer><key>stealthenabled</key><integer>0</integer></dict></plist>';
    const m = plistAt(ALF_PLIST, alf);
    const { c, b } = await collect({ [STATE]: timedOut, ...m.replies }, m.files);
    expect(b).toMatchObject({ active: false, stealth: false, blockAll: false });
    expect(verdictOf('firewall', c).status).toBe('fail');
  });

  it('nothing readable (permission denied, no plists): unknown, never pass', async () => {
    const { c, b } = await collect({ [STATE]: { exitCode: null, failure: 'permission' } });
    expect(b.active).toBeNull();
    expect(verdictOf('firewall', c).status).toBe('unknown');
  });

  it('random output never passes; plausible lines keep facts schema-valid', async () => {
    await assertNeverPassesOnRandom(check);
    await assertSchemaValidOnLines(check, linesOf('socketfilterfw/multi-flag-enabled-state2-stealth-on-logging.txt', 'socketfilterfw/listapps.txt'));
  });
});
