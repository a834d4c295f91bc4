import { describe, expect, it } from 'vitest';
import check, { SERVICE_ARGV, W32TM_ARGV } from '../../../../agent/checks/time_sync/windows.js';
import { isSynchronized, parseW32tmStatus, sourceName } from '../../../../agent/checks/time_sync/parse-w32tm.js';
import type { TimeSyncFacts } from '../../../../protocol/checks/time-sync.js';
import { assertNeverPasses, exit, notFound, ok, schemaErrors, timedOut, verdictOf, winDeps, winFixture, type Reply } from '../fakes-win32.js';

// Get-Service | Select-Object as Windows PowerShell 5.1 prints it: Status 4 Running / 1 Stopped, StartType 2 Automatic / 3 Manual / 4 Disabled.
const svc = (Status: number, StartType: number) => ok(JSON.stringify({ svc: { Name: 'W32Time', Status, StartType } }));
const NOT_STARTED = 'The following error occurred: The service has not been started. (0x80070426)\r\n';

async function collect(service: Reply, w32tm: Reply) {
  const { deps } = winDeps([
    [SERVICE_ARGV, service],
    [W32TM_ARGV, w32tm],
  ]);
  const c = await check.collect(deps);
  return { c, facts: c.facts as TimeSyncFacts, verdict: verdictOf('time_sync', c) };
}

describe('w32tm /query /status /verbose (any language)', () => {
  it('English, Hyper-V time provider, synchronised', () => {
    const s = parseW32tmStatus(winFixture('w32tm-query-status-verbose/en-vm-ic-provider-synced-checkmk.txt'))!;
    expect(s).toEqual({ leap: 0, stratum: 4, refId: 0x564d5450, source: 'VM IC Time Synchronization Provider', phaseOffset: 0.0000869, lastSyncError: 0, error: null });
    expect(isSynchronized(s)).toBe(true);
  });

  it('English, Local CMOS Clock with leap indicator 3: not synchronised', () => {
    const s = parseW32tmStatus(winFixture('w32tm-query-status-verbose/en-local-cmos-unsynced-checkmk.txt'))!;
    expect(s).toMatchObject({ leap: 3, stratum: 0, refId: 0, source: 'Local CMOS Clock' });
    expect(isSynchronized(s)).toBe(false);
  });

  it('French, German (wrapped line, escaped cp850 bytes) and Chinese', () => {
    expect(parseW32tmStatus(winFixture('w32tm-query-status-verbose/fr-vm-ic-provider-synced-checkmk.txt'))).toMatchObject({ leap: 0, stratum: 4, phaseOffset: 0.0015321, source: 'VM IC Time Synchronization Provider' });
    const de = parseW32tmStatus(winFixture('w32tm-query-status-verbose/de-wrapped-cp850-escaped-checkmk.txt'))!;
    expect(de).toEqual({ leap: 0, stratum: 3, refId: 0xac689ab6, source: 'de.pool.ntp.org', phaseOffset: -0.0003717, lastSyncError: 2, error: null });
    expect(isSynchronized(de)).toBe(true);
    expect(parseW32tmStatus(winFixture('w32tm-query-status-verbose/zh-cn-synced-checkmk.txt'))).toMatchObject({ leap: 0, stratum: 2, source: 'time.facebook.com', phaseOffset: 0.0000012 });
  });

  it('time.windows.com with flags, a blank line before the verbose part, stale-data sync error', () => {
    const s = parseW32tmStatus(winFixture('w32tm-query-status-verbose/en-time-windows-com-stale-data-checkmk-doc.txt'))!;
    expect(s).toMatchObject({ source: 'time.windows.com,0x9', phaseOffset: -0.0038147, lastSyncError: 2 });
    expect(sourceName(s.source!)).toBe('time.windows.com');
  });

  it('the local clock by reference id LOCL even when the leap indicator says 0', () => {
    expect(isSynchronized({ leap: 0, stratum: 1, refId: 0x4c4f434c, source: 'Lokale CMOS-Uhr', phaseOffset: null, lastSyncError: null, error: null })).toBe(false);
  });

  it('error, non-verbose, truncated, blank and garbage', () => {
    expect(parseW32tmStatus(NOT_STARTED)).toMatchObject({ leap: null, error: 'The following error occurred: The service has not been started. (0x80070426)' });
    const short = winFixture('w32tm-query-status-verbose/en-vm-ic-provider-synced-checkmk.txt').split('\n').slice(0, 9).join('\n');
    expect(parseW32tmStatus(short)).toMatchObject({ leap: 0, source: 'VM IC Time Synchronization Provider', phaseOffset: null });
    expect(parseW32tmStatus(winFixture('w32tm-query-status-verbose/en-vm-ic-provider-synced-checkmk.txt').slice(0, 60))).toMatchObject({ leap: 0, stratum: 4, source: null });
    expect(parseW32tmStatus('')).toBeNull();
    expect(parseW32tmStatus('::::')).toBeNull();
  });

  it('property: never throws; random input never passes', () => {
    assertNeverPasses(
      'time_sync',
      (t) => {
        const s = parseW32tmStatus(t);
        return { service: 'w32time', serviceActive: true, synchronized: s ? isSynchronized(s) : null, sources: [], offsetMs: s?.phaseOffset != null ? Math.abs(s.phaseOffset) * 1000 : null };
      },
      // Without the leap-indicator line (position 0) nothing is read.
      ['Stratum: 3 (secondary reference - syncd by (S)NTP)', 'Source: ntp.example.org', 'Phase Offset: 0.0001000s', 'ReferenceId: 0x0A000001 (source IP:  10.0.0.1)', ''],
    );
  });
});

describe('time_sync collect on Windows (replayed)', () => {
  it('service running, synchronised to a pool server, offset 0.37 ms: pass', async () => {
    const { c, facts, verdict } = await collect(svc(4, 2), ok(winFixture('w32tm-query-status-verbose/de-wrapped-cp850-escaped-checkmk.txt')));
    expect(facts).toEqual({ service: 'w32time', serviceActive: true, synchronized: true, sources: ['de.pool.ntp.org'], offsetMs: 0.372, detail: 'last sync error 2' });
    expect(verdict).toEqual({ status: 'pass' });
    expect(c.evidence.map((e) => e.source)).toEqual(['powershell.exe: Get-Service W32Time', 'w32tm /query /status /verbose']);
    expect(schemaErrors('time_sync', facts)).toEqual([]);
  });

  it('running but free on the local CMOS clock: fail', async () => {
    const { facts, verdict } = await collect(svc(4, 3), ok(winFixture('w32tm-query-status-verbose/en-local-cmos-unsynced-checkmk.txt')));
    expect(facts.synchronized).toBe(false);
    expect(facts.sources).toEqual(['Local CMOS Clock']);
    expect(verdict).toEqual({ status: 'fail', reason: 'the clock is not synchronised to a time source' });
  });

  it('trigger-start service currently stopped: w32tm cannot answer, so unknown (not fail)', async () => {
    const { facts, verdict } = await collect(svc(1, 3), exit(-2147023830, NOT_STARTED));
    expect(facts.serviceActive).toBeNull();
    expect(facts.synchronized).toBeNull();
    expect(verdict.status).toBe('unknown');
    expect(facts.detail).toMatch(/manual \(trigger\) start/);
  });

  it('service disabled: fail', async () => {
    const { verdict } = await collect(svc(1, 4), exit(-2147023830, NOT_STARTED));
    expect(verdict.status).toBe('fail');
    expect(verdict.reason).toMatch(/^w32time is not running/);
  });

  it('PowerShell missing: the service state is unknown, w32tm still decides', async () => {
    const { facts, verdict } = await collect(notFound, ok(winFixture('w32tm-query-status-verbose/fr-vm-ic-provider-synced-checkmk.txt')));
    expect(facts).toMatchObject({ serviceActive: null, synchronized: true, offsetMs: 1.532 });
    expect(verdict.status).toBe('pass');
  });

  it('nothing answers: facts null, never pass', async () => {
    const { c, verdict } = await collect(timedOut, notFound);
    expect(c.facts).toBeNull();
    expect(c.reason).toBe('time synchronisation could not be read: powershell.exe: Get-Service W32Time timed out; w32tm /query /status /verbose: w32tm is not available on this host');
    expect(verdict.status).toBe('unknown');
  });
});
