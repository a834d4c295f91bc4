import { describe, expect, it } from 'vitest';
import check, { NETWORK_TIME_ARGV, TIMED_LIST_ARGV, TIME_SERVER_ARGV } from '../../../../agent/checks/time_sync/darwin.js';
import { needsAdmin, parseSystemsetupOnOff, parseSystemsetupValue } from '../../../../agent/checks/time_sync/parse-systemsetup.js';
import type { TimeSyncFacts } from '../../../../protocol/checks/time-sync.js';
import { exit, fakeDeps, fakeFiles, fakeRunner, notFound, ok, schemaErrors, timedOut, verdictOf, type Reply } from '../fakes.js';
import { assertNeverPassesOnRandom, assertParserTotal, assertSchemaValidOnLines, key, linesOf, macFixture } from '../fakes-darwin.js';

const ON = macFixture('systemsetup/constructed-network-time-on.txt');
const SERVER = macFixture('systemsetup/constructed-network-time-server.txt');
const ADMIN = macFixture('systemsetup/constructed-needs-admin.txt');
const TIMED = macFixture('launchctl-list/constructed-timed-running.txt');

describe('systemsetup parsers', () => {
  it('read On/Off and values, and recognise the root requirement', () => {
    expect(parseSystemsetupOnOff(ON, 'Network Time')).toBe(true);
    expect(parseSystemsetupOnOff('Network Time: Off\r\n', 'Network Time')).toBe(false);
    expect(parseSystemsetupValue(SERVER, 'Network Time Server')).toBe('time.apple.com');
    expect(parseSystemsetupOnOff(ADMIN, 'Network Time')).toBeNull();
    expect(needsAdmin(ADMIN)).toBe(true);
    expect(parseSystemsetupOnOff('Netzwerkzeit: Ein', 'Network Time')).toBeNull();
  });
  it('never throw', () => assertParserTotal((t) => parseSystemsetupOnOff(t, 'Network Time')));
});

const NT = key(NETWORK_TIME_ARGV);
const SRV = key(TIME_SERVER_ARGV);
const TD = key(TIMED_LIST_ARGV);

async function collect(replies: Record<string, Reply>) {
  const c = await check.collect(fakeDeps(fakeRunner(replies), fakeFiles({})));
  return { c, facts: c.facts as TimeSyncFacts };
}

describe('time_sync collect (darwin, replayed)', () => {
  it('network time on with timed loaded passes; the offset is not measured', async () => {
    const { c, facts } = await collect({ [NT]: ok(ON), [SRV]: ok(SERVER), [TD]: ok(TIMED) });
    expect(facts).toEqual({ service: 'timed', serviceActive: true, synchronized: true, sources: ['time.apple.com'], offsetMs: null, detail: 'network time on and timed loaded; the offset is not measured (that needs a network query)' });
    expect(schemaErrors('time_sync', facts)).toEqual([]);
    expect(verdictOf('time_sync', c)).toEqual({ status: 'pass' });
  });

  it('network time off fails', async () => {
    const { c, facts } = await collect({ [NT]: ok('Network Time: Off\n'), [TD]: ok(TIMED) });
    expect(facts.synchronized).toBe(false);
    expect(verdictOf('time_sync', c).status).toBe('fail');
  });

  it('without root systemsetup refuses: unknown even with timed loaded', async () => {
    const { c, facts } = await collect({ [NT]: exit(1, ADMIN), [SRV]: exit(1, ADMIN), [TD]: ok(TIMED) });
    expect(facts).toMatchObject({ serviceActive: true, synchronized: null, sources: [] });
    expect(facts.detail).toContain('needs root');
    expect(verdictOf('time_sync', c).status).toBe('unknown');
  });

  it('timed not loaded fails; launchctl missing or timed out is unknown', async () => {
    const off = await collect({ [NT]: ok(ON), [SRV]: ok(SERVER), [TD]: exit(113, '', macFixture('launchctl-list/constructed-not-loaded.stderr.txt')) });
    expect(off.facts).toMatchObject({ serviceActive: false, synchronized: false });
    expect(verdictOf('time_sync', off.c).status).toBe('fail');
    for (const r of [notFound, timedOut]) {
      const { c } = await collect({ [NT]: r, [TD]: r });
      expect(verdictOf('time_sync', c).status).toBe('unknown');
    }
  });

  it('random output never passes; plausible lines keep facts schema-valid', async () => {
    await assertNeverPassesOnRandom(check);
    await assertSchemaValidOnLines(check, linesOf('systemsetup/constructed-network-time-on.txt', 'systemsetup/constructed-network-time-server.txt', 'launchctl-list/constructed-timed-running.txt'));
  });
});
