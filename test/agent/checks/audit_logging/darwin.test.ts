import { describe, expect, it } from 'vitest';
import check, { AUDIT_CONTROL, AUDITD_LIST_ARGV, LOGD_LIST_ARGV, UNIFIED_LOG_STORE } from '../../../../agent/checks/audit_logging/darwin.js';
import { parseAuditControl } from '../../../../agent/checks/audit_logging/parse-audit-control.js';
import { parseLaunchctlList } from '../../../../agent/checks/audit_logging/parse-launchctl.js';
import type { AuditLoggingFacts } from '../../../../protocol/checks/audit-logging.js';
import { exit, fakeDeps, fakeFiles, fakeRunner, notFound, ok, schemaErrors, timedOut, verdictOf, type Reply } from '../fakes.js';
import { assertNeverPassesOnRandom, assertParserTotal, assertSchemaValidOnLines, key, linesOf, macFixture } from '../fakes-darwin.js';

const AUDITD = macFixture('launchctl-list/constructed-auditd-loaded-on-demand.txt');
const LOGD = macFixture('launchctl-list/constructed-logd-running.txt');
const NOT_LOADED = macFixture('launchctl-list/constructed-not-loaded.stderr.txt');
const CONTROL = macFixture('audit-control/constructed-macos-default.txt');

describe('parseLaunchctlList / parseAuditControl', () => {
  it('reads a loaded on-demand job, a running job and "not loaded"', () => {
    expect(parseLaunchctlList(AUDITD)).toEqual({ label: 'com.apple.auditd', pid: null, lastExitStatus: 0 });
    expect(parseLaunchctlList(LOGD)).toEqual({ label: 'com.apple.logd', pid: 329, lastExitStatus: 0 });
    expect(parseLaunchctlList(NOT_LOADED)).toBe('not-loaded');
    expect(parseLaunchctlList(AUDITD.slice(0, 60))).toBeNull();
    expect(parseLaunchctlList('')).toBeNull();
  });
  it('reads the audit_control keys and ignores comments', () => {
    expect(parseAuditControl(CONTROL)).toEqual({ dirs: ['/var/audit'], flags: ['lo', 'aa'], naflags: ['lo', 'aa'], expireAfter: '10M' });
    expect(parseAuditControl('# only a comment\n')).toBeNull();
  });
  it('never throw', () => {
    assertParserTotal(parseLaunchctlList);
    assertParserTotal(parseAuditControl);
  });
});

const A = key(AUDITD_LIST_ARGV);
const L = key(LOGD_LIST_ARGV);

async function collect(replies: Record<string, Reply>, files: Record<string, string>, mtimes: Record<string, number> = { [UNIFIED_LOG_STORE]: 1 }) {
  const c = await check.collect(fakeDeps(fakeRunner(replies), fakeFiles(files, mtimes)));
  return { c, s: (n: string) => (c.facts as AuditLoggingFacts).sources.find((x) => x.name === n)! };
}

describe('audit_logging collect (darwin, replayed)', () => {
  it('auditd configured and the unified log running: passes', async () => {
    const { c, s } = await collect({ [A]: ok(AUDITD), [L]: ok(LOGD) }, { [AUDIT_CONTROL]: CONTROL });
    expect(s('auditd')).toMatchObject({ active: true, persistent: true, detail: expect.stringContaining('flags lo,aa; trail in /var/audit; expire-after 10M; started on demand') });
    expect(s('unified-log')).toEqual({ name: 'unified-log', active: true, persistent: true, detail: 'logd pid 329; persistent store /var/db/diagnostics, retention set by the OS' });
    expect(schemaErrors('audit_logging', c.facts)).toEqual([]);
    expect(verdictOf('audit_logging', c)).toEqual({ status: 'pass' });
  });

  it('macOS 14 default: auditd has no audit_control and does not run; the unified log still counts', async () => {
    const { c, s } = await collect({ [A]: ok(AUDITD), [L]: ok(LOGD) }, {});
    expect(s('auditd')).toMatchObject({ active: false, detail: expect.stringContaining('off by default since macOS 14') });
    expect(verdictOf('audit_logging', c).status).toBe('pass');
  });

  it('auditd not loaded and logd unreadable: unknown, never pass', async () => {
    const { c, s } = await collect({ [A]: exit(113, '', NOT_LOADED), [L]: timedOut }, {}, {});
    expect(s('auditd').active).toBe(false);
    expect(s('unified-log').active).toBeNull();
    expect(verdictOf('audit_logging', c).status).toBe('unknown');
  });

  it('launchctl missing: both unknown', async () => {
    const { c } = await collect({ [A]: notFound, [L]: notFound }, {}, {});
    expect(verdictOf('audit_logging', c).status).toBe('unknown');
  });

  it('random output never passes; plausible lines keep facts schema-valid', async () => {
    await assertNeverPassesOnRandom(check);
    await assertSchemaValidOnLines(check, linesOf('launchctl-list/constructed-logd-running.txt', 'audit-control/constructed-macos-default.txt'));
  });
});
