import { describe, expect, it } from 'vitest';
import check, { SYSTEMEXTENSIONS_ARGV, XPROTECT_PLISTS } from '../../../../agent/checks/antivirus_edr/darwin.js';
import { edrProducts, parseSystemExtensions } from '../../../../agent/checks/antivirus_edr/parse-systemextensions.js';
import { INSTALL_HISTORY } from '../../../../agent/checks/patch_level/darwin.js';
import type { AntivirusEdrFacts } from '../../../../protocol/checks/antivirus-edr.js';
import { fakeDeps, fakeFiles, fakeRunner, notFound, ok, schemaErrors, timedOut, verdictOf, type Reply } from '../fakes.js';
import { assertNeverPassesOnRandom, assertParserTotal, assertSchemaValidOnLines, key, linesOf, macFixture, merge, plistAt } from '../fakes-darwin.js';

const TWO = macFixture('systemextensionsctl-list/two-endpoint-security-activated.txt');
const FALCON = macFixture('systemextensionsctl-list/fragment-crowdstrike-no-state-column.txt');
const DEFENDER = "2 extension(s)\n--- com.apple.system_extension.network_extension\nenabled\tactive\tteamID\tbundleID (version)\tname\t[state]\n*\t*\tUBF8T346G9\tcom.microsoft.wdav.netext (101.76.90/101.76.90)\tMicrosoft Defender Network Extension\t[activated enabled]\n--- com.apple.system_extension.endpoint_security\nenabled\tactive\tteamID\tbundleID (version)\tname\t[state]\n\t\tUBF8T346G9\tcom.microsoft.wdav.epsext (101.76.90/101.76.90)\tMicrosoft Defender Endpoint Security Extension\t[activated waiting for user]\n";

describe('parseSystemExtensions', () => {
  it('reads the category, columns and state of each extension', () => {
    const exts = parseSystemExtensions(TWO)!;
    expect(exts).toHaveLength(2);
    expect(exts[0]).toEqual({ category: 'com.apple.system_extension.endpoint_security', enabled: true, active: true, teamId: 'WCKWMMKJ35', bundleId: 'ai.canyonroad.agentsh.SysExt', version: '1.0', name: 'ai.canyonroad.agentsh.SysExt', state: 'activated enabled' });
    expect(edrProducts(exts)).toEqual([]);
  });
  it('reads the older layout without a [state] column (CrowdStrike fragment)', () => {
    const exts = parseSystemExtensions(FALCON)!;
    expect(exts).toEqual([{ category: null, enabled: true, active: true, teamId: 'X9E956P446', bundleId: 'com.crowdstrike.falcon.Agent', version: '7.29', name: 'Falcon Sensor', state: null }]);
    expect(edrProducts(exts)).toEqual([{ product: 'CrowdStrike Falcon', active: true, version: '7.29', states: ['com.crowdstrike.falcon.Agent: enabled, active'] }]);
  });
  it('a product with one extension waiting for approval is not active', () => {
    expect(edrProducts(parseSystemExtensions(DEFENDER)!)).toEqual([{ product: 'Microsoft Defender for Endpoint', active: false, version: '101.76.90', states: ['com.microsoft.wdav.netext: activated enabled', 'com.microsoft.wdav.epsext: activated waiting for user'] }]);
  });
  it('"0 extension(s)" is an empty list; garbage and blank are null', () => {
    expect(parseSystemExtensions('0 extension(s)\n')).toEqual([]);
    expect(parseSystemExtensions('')).toBeNull();
    expect(parseSystemExtensions('systemextensionsctl: unknown command')).toBeNull();
  });
  it('never throws', () => assertParserTotal(parseSystemExtensions));
});

const SX = key(SYSTEMEXTENSIONS_ARGV);
const NOW = Date.parse('2024-04-12T12:00:00Z');
const XP = plistAt(XPROTECT_PLISTS[1]!, macFixture('xprotect-info-plist/constructed-version-2192.txt'));
const HIST = plistAt(INSTALL_HISTORY, macFixture('install-history/constructed-sonoma-update-and-xprotect.txt'));

async function collect(replies: Record<string, Reply>, files: Record<string, string>, mtimes: Record<string, number> = {}) {
  const c = await check.collect(fakeDeps(fakeRunner(replies), fakeFiles(files, mtimes), NOW));
  return { c, facts: c.facts as AntivirusEdrFacts };
}

describe('antivirus_edr collect (darwin, replayed)', () => {
  it('XProtect updated two days ago plus an active CrowdStrike: passes', async () => {
    const m = merge(XP, HIST, { replies: { [SX]: ok(FALCON) } });
    const { c, facts } = await collect(m.replies, m.files, { [XPROTECT_PLISTS[1]!]: Date.parse('2024-03-01T00:00:00Z') });
    expect(facts.products).toEqual([
      { name: 'XProtect', kind: 'antivirus', active: true, realtime: null, signatureAgeDays: 2.3, version: '2192', detail: expect.stringContaining('last installed 2024-04-10T02:41:19.000Z') },
      { name: 'CrowdStrike Falcon', kind: 'edr', active: true, realtime: null, signatureAgeDays: null, version: '7.29', detail: 'com.crowdstrike.falcon.Agent: enabled, active' },
    ]);
    expect(schemaErrors('antivirus_edr', facts)).toEqual([]);
    expect(verdictOf('antivirus_edr', c)).toEqual({ status: 'pass' });
  });

  it('old XProtect definitions alone fail; an active EDR still passes with the reason kept', async () => {
    const m = merge(XP, { replies: { [SX]: ok(TWO) } });
    const old = await collect(m.replies, m.files, { [XPROTECT_PLISTS[1]!]: Date.parse('2024-03-01T00:00:00Z') });
    expect(old.facts.products).toHaveLength(1);
    expect(old.facts.products[0]!.signatureAgeDays).toBe(42.5);
    expect(verdictOf('antivirus_edr', old.c)).toEqual({ status: 'fail', reason: 'XProtect signatures are 42 days old (allowed 7)' });
    const withEdr = await collect({ ...m.replies, [SX]: ok(FALCON) }, m.files, { [XPROTECT_PLISTS[1]!]: Date.parse('2024-03-01T00:00:00Z') });
    expect(verdictOf('antivirus_edr', withEdr.c)).toEqual({ status: 'pass', reason: 'XProtect signatures are 42 days old (allowed 7)' });
  });

  it('nothing readable: XProtect unknown, extensions unlisted, never pass', async () => {
    for (const r of [notFound, timedOut, { exitCode: null, failure: 'permission' } as Reply]) {
      const { c, facts } = await collect({ [SX]: r }, {});
      expect(facts.products).toEqual([{ name: 'XProtect', kind: 'antivirus', active: null, realtime: null, signatureAgeDays: null, detail: 'no XProtect bundle or install record found' }]);
      expect(facts.notes![0]).toContain('EDR system extensions could not be listed');
      expect(verdictOf('antivirus_edr', c).status).toBe('unknown');
    }
  });

  it('random output never passes; plausible lines keep facts schema-valid', async () => {
    await assertNeverPassesOnRandom(check);
    await assertSchemaValidOnLines(check, [...linesOf('systemextensionsctl-list/two-endpoint-security-activated.txt', 'systemextensionsctl-list/fragment-crowdstrike-no-state-column.txt')]);
  });
});
