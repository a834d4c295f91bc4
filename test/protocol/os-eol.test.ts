import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { lifecycleFor, osEol, type OsEolFacts, type OsEolParams } from '../../protocol/checks/os-eol.js';
import { OS_LIFECYCLE } from '../../protocol/catalogue/os-lifecycle.js';
import type { LifecycleEntry } from '../../protocol/catalogue/types.js';
import { renderLifecycleDoc } from '../../scripts/gen-lifecycle-doc.js';

const root = new URL('../../', import.meta.url);
const COMPILED = '2026-11-23';
const ctx = { collectedAt: `${COMPILED}T09:00:00Z`, role: 'workstation' };
const strict: OsEolParams = { allowExtendedSupport: false, warnDays: 90 };
const extended: OsEolParams = { allowExtendedSupport: true, warnDays: 90 };

const win = (build: number, edition: string, name = build >= 22000 ? 'Windows 11' : 'Windows 10'): OsEolFacts => ({
  family: 'windows',
  name,
  version: `10.0.${build}`,
  build: String(build),
  edition,
});
const server = (build: number, name: string): OsEolFacts => ({ family: 'windows-server', name, version: `10.0.${build}`, build: String(build), edition: 'Datacenter' });
const linux = (family: string, name: string, version: string): OsEolFacts => ({ family, name, version });
const evaluate = (facts: OsEolFacts, params: OsEolParams = strict, at = ctx) => osEol.evaluate(facts, params, at);

describe('os_eol against the shipped lifecycle catalogue', () => {
  it('fails Windows 10 Pro 22H2 after 2025-10-14 and names the end date and the ESU option', () => {
    const v = evaluate(win(19045, 'Pro'));
    expect(v.status).toBe('fail');
    expect(v.reason).toContain('ended 2025-10-14');
    expect(v.reason).toContain('ESU support until 2028-10-10 if purchased');
    expect(evaluate(win(19045, 'Pro'), extended).status).toBe('pass');
  });

  it('gives Windows 10 Home the consumer ESU and other 22H2 editions the commercial one', () => {
    expect(lifecycleFor(win(19045, 'Core'))?.extendedEol).toBe('2027-10-12');
    expect(lifecycleFor(win(19045, 'Home'))?.extendedEol).toBe('2027-10-12');
    expect(lifecycleFor(win(19045, 'Enterprise'))?.extendedEol).toBe('2028-10-10');
    expect(lifecycleFor({ ...win(19045, ''), edition: undefined })?.cycle).toBe('Windows 10 22H2 Pro/Enterprise/Education');
  });

  it('passes Windows 10 Enterprise LTSC 2021 (19044), warning inside the 90-day window before 2027-01-12', () => {
    const facts = win(19044, 'Enterprise LTSC 2021');
    expect(lifecycleFor(facts)?.cycle).toBe('Windows 10 Enterprise LTSC 2021');
    const v = evaluate(facts);
    expect(v.status).toBe('pass');
    expect(v.reason).toBe('Windows 10 Enterprise LTSC 2021: support ends 2027-01-12, in 49 days');
    expect(evaluate(facts, { ...strict, warnDays: 30 })).toEqual({ status: 'pass' });
  });

  it('gives IoT Enterprise LTSC 2021 its longer lifecycle and the 21H2 general editions their ended ones', () => {
    expect(lifecycleFor(win(19044, 'IoT Enterprise LTSC 2021'))?.eol).toBe('2032-01-13');
    expect(lifecycleFor(win(19044, 'IoTEnterpriseS'))?.eol).toBe('2032-01-13');
    expect(lifecycleFor(win(19044, 'EnterpriseS'))?.eol).toBe('2027-01-12');
    expect(evaluate(win(19044, 'IoT Enterprise LTSC 2021'))).toEqual({ status: 'pass' });
    expect(lifecycleFor(win(19044, 'Enterprise'))?.eol).toBe('2024-06-11');
    expect(lifecycleFor(win(19044, 'Pro'))?.eol).toBe('2023-06-13');
  });

  it('fails Windows 11 Pro 23H2 (22631), which ended 2025-11-11', () => {
    const v = evaluate(win(22631, 'Pro'));
    expect(v.status).toBe('fail');
    expect(v.reason).toMatch(/^Windows 11 23H2 Home\/Pro: support ended 2025-11-11, \d+ days ago$/);
  });

  it('treats Pro Education as Home/Pro and IoT Enterprise as Enterprise/Education', () => {
    expect(lifecycleFor(win(26100, 'Pro Education'))?.eol).toBe('2026-10-13');
    expect(lifecycleFor(win(26100, 'ProfessionalEducation'))?.eol).toBe('2026-10-13');
    expect(lifecycleFor(win(26100, 'Education'))?.eol).toBe('2027-10-12');
    expect(lifecycleFor(win(26100, 'IoT Enterprise'))?.eol).toBe('2027-10-12');
    expect(lifecycleFor(win(26100, 'Enterprise LTSC'))?.eol).toBe('2029-10-09');
    expect(lifecycleFor(win(26100, 'IoT Enterprise LTSC'))?.eol).toBe('2034-10-10');
    expect(evaluate(win(26200, 'Pro'))).toEqual({ status: 'pass' });
  });

  it('keeps Windows Server apart from the client release with the same build', () => {
    expect(evaluate(server(17763, 'Windows Server 2019'))).toEqual({ status: 'pass' });
    expect(lifecycleFor(server(17763, 'Windows Server 2019'))?.cycle).toBe('Windows Server 2019');
    expect(lifecycleFor(win(17763, 'Pro'))?.cycle).toBe('Windows 10 1809 Home/Pro');
    expect(lifecycleFor(server(26100, 'Windows Server 2025'))?.eol).toBe('2034-11-14');
    expect(lifecycleFor(server(14393, 'Windows Server 2016'))?.eol).toBe('2027-01-12');
    const v = evaluate(server(9600, 'Windows Server 2012 R2'), extended);
    expect(v.status).toBe('fail');
    expect(v.reason).toContain('ESU support ended 2026-10-13');
  });

  it('fails Ubuntu 20.04 unless ESM counts', () => {
    const facts = linux('ubuntu', 'Ubuntu', '20.04');
    const v = evaluate(facts);
    expect(v.status).toBe('fail');
    expect(v.reason).toContain('ended 2025-05-29');
    expect(v.reason).toContain('ESM support until 2030-04-23 if purchased');
    expect(evaluate(facts, extended)).toEqual({ status: 'pass' });
    expect(evaluate(linux('ubuntu', 'Ubuntu', '24.04'))).toEqual({ status: 'pass' });
  });

  it('fails Debian 12 after regular security support ended 2026-06-10 and passes it under LTS', () => {
    const facts = linux('debian', 'Debian GNU/Linux', '12');
    const v = evaluate(facts);
    expect(v.status).toBe('fail');
    expect(v.reason).toContain('ended 2026-06-10');
    expect(evaluate(facts, extended)).toEqual({ status: 'pass' });
    expect(lifecycleFor(linux('debian', 'Debian GNU/Linux', '12.7'))?.cycle).toBe('Debian 12 bookworm');
    expect(evaluate(linux('debian', 'Debian GNU/Linux', '13'))).toEqual({ status: 'pass' });
  });

  it('matches RHEL minor versions by major-version prefix, not by string prefix', () => {
    expect(lifecycleFor(linux('rhel', 'Red Hat Enterprise Linux', '9.4'))?.cycle).toBe('Red Hat Enterprise Linux 9');
    expect(evaluate(linux('rhel', 'Red Hat Enterprise Linux', '9.4'))).toEqual({ status: 'pass' });
    expect(lifecycleFor(linux('rhel', 'Red Hat Enterprise Linux', '10.0'))?.cycle).toBe('Red Hat Enterprise Linux 10');
    expect(lifecycleFor(linux('rhel', 'Red Hat Enterprise Linux', '7.9'))?.extendedName).toBe('ELS');
    expect(lifecycleFor(linux('sles', 'SLES', '15.5'))?.cycle).toBe('SUSE Linux Enterprise Server 15 SP5');
    expect(lifecycleFor(linux('alpine', 'Alpine Linux', '3.2.3'))).toBeUndefined();
    expect(lifecycleFor(linux('alpine', 'Alpine Linux', '3.22.1'))?.cycle).toBe('Alpine Linux 3.22');
    expect(lifecycleFor(linux('amzn', 'Amazon Linux', '2023'))?.cycle).toBe('Amazon Linux 2023');
    expect(lifecycleFor(linux('amzn', 'Amazon Linux', '2'))?.cycle).toBe('Amazon Linux 2');
  });

  it('tells CentOS Stream 8 from CentOS Linux 8 by edition', () => {
    expect(lifecycleFor({ ...linux('centos', 'CentOS Stream', '8'), edition: 'CentOS Stream' })?.eol).toBe('2024-05-31');
    expect(lifecycleFor(linux('centos', 'CentOS Linux', '8'))?.eol).toBe('2021-12-31');
  });

  it('reports macOS by major version, ended ones failing and current ones passing', () => {
    expect(evaluate(linux('macos', 'macOS', '13.7.8')).status).toBe('fail');
    expect(evaluate(linux('macos', 'macOS', '15.7.2'))).toEqual({ status: 'pass' });
    expect(lifecycleFor(linux('macos', 'macOS', '26.1'))?.note).toMatch(/estimate/i);
  });

  it('is unknown for an OS the catalogue does not hold', () => {
    const v = evaluate(linux('plan9', 'Plan 9', '4'));
    expect(v.status).toBe('unknown');
    expect(v.reason).toContain(`compiled ${COMPILED}`);
    expect(evaluate(win(99999, 'Pro')).status).toBe('unknown');
  });

  it('passes with a warning reason inside warnDays and silently outside it', () => {
    const facts = linux('fedora', 'Fedora Linux', '43');
    expect(evaluate(facts)).toEqual({ status: 'pass', reason: 'Fedora Linux 43: support ends 2026-12-09, in 15 days' });
    expect(evaluate(facts, { ...strict, warnDays: 7 })).toEqual({ status: 'pass' });
    expect(evaluate(facts, strict, { ...ctx, collectedAt: '2026-12-10T09:00:00Z' }).status).toBe('fail');
  });
});

// ---- structure of the catalogue ----

const ISO = /^\d{4}-\d{2}-\d{2}$/;
const isIsoDate = (s: string) => ISO.test(s) && new Date(`${s}T00:00:00Z`).toISOString().slice(0, 10) === s;
const lower = (xs: string[]) => xs.map((x) => x.toLowerCase());
const prefixCovered = (v: string, prefixes: string[]) => prefixes.some((p) => v === p || v.startsWith(`${p}.`));

/**
 * True when every set of facts that matches `later` also matches `earlier` (a sufficient test), so that
 * `later` can never be chosen: lifecycleFor returns the first match.
 */
function shadows(earlier: LifecycleEntry, later: LifecycleEntry): boolean {
  if (earlier.family !== later.family) return false;
  const a = earlier.match;
  const b = later.match;
  if (a.versions && !(b.versions && b.versions.every((v) => prefixCovered(v, a.versions!)))) return false;
  if (a.builds && !(b.builds && b.builds.every((x) => a.builds!.includes(x)))) return false;
  if (a.editionIncludes) {
    const ai = lower(a.editionIncludes);
    if (!(b.editionIncludes && lower(b.editionIncludes).every((x) => ai.some((y) => x.includes(y))))) return false;
  }
  if (a.editionExcludes) {
    const be = lower(b.editionExcludes ?? []);
    if (!lower(a.editionExcludes).every((x) => be.some((y) => x.includes(y)))) return false;
  }
  return true;
}

describe('OS lifecycle catalogue structure', () => {
  const { entries, sources } = OS_LIFECYCLE;
  const label = (e: LifecycleEntry) => `${e.family} / ${e.cycle}`;

  it(`is compiled ${COMPILED} from cited sources, each used and with an https URL`, () => {
    expect(OS_LIFECYCLE.compiled).toBe(COMPILED);
    const ids = sources.map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const s of sources) {
      expect(s.title.length, s.id).toBeGreaterThan(0);
      expect(s.url, s.id).toMatch(/^https:\/\//);
      expect(entries.some((e) => e.source === s.id), `${s.id} is cited by no entry`).toBe(true);
    }
    for (const e of entries) expect(ids, label(e)).toContain(e.source);
  });

  it('uses ISO dates in order: released <= eol <= extendedEol, and names every extended phase', () => {
    for (const e of entries) {
      const dates = [e.released, e.eol, e.extendedEol].filter((d): d is string => typeof d === 'string');
      for (const d of dates) expect(isIsoDate(d), `${label(e)}: ${d}`).toBe(true);
      if (e.released && e.eol) expect(e.released <= e.eol, label(e)).toBe(true);
      if (e.extendedEol) {
        expect(e.eol, label(e)).not.toBeNull();
        expect(e.eol! <= e.extendedEol, label(e)).toBe(true);
        expect(e.extendedName, label(e)).toBeTruthy();
      }
      if (e.extendedName) expect(e.extendedEol, label(e)).toBeTruthy();
    }
  });

  it('ends Microsoft support on a Tuesday (Patch Tuesday)', () => {
    for (const e of entries.filter((x) => x.family === 'windows' || x.family === 'windows-server')) {
      for (const d of [e.eol, e.extendedEol].filter((x): x is string => typeof x === 'string')) {
        expect(new Date(`${d}T00:00:00Z`).getUTCDay(), `${label(e)}: ${d}`).toBe(2);
      }
    }
  });

  it('gives every entry a version or build condition (Windows by build, the rest by version)', () => {
    for (const e of entries) {
      if (e.family === 'windows' || e.family === 'windows-server') expect(e.match.builds?.length, label(e)).toBeGreaterThan(0);
      else expect(e.match.versions?.length, label(e)).toBeGreaterThan(0);
      for (const xs of [e.match.versions, e.match.editionIncludes, e.match.editionExcludes]) {
        if (xs) for (const x of xs) expect(x.trim().length, label(e)).toBeGreaterThan(0);
      }
    }
  });

  it('has no two entries of a family with identical match blocks', () => {
    const seen = new Map<string, string>();
    for (const e of entries) {
      const key = JSON.stringify([e.family, e.match.versions ?? null, e.match.builds ?? null, e.match.editionIncludes ?? null, e.match.editionExcludes ?? null]);
      expect(seen.get(key), `${label(e)} repeats the match of ${seen.get(key)}`).toBeUndefined();
      seen.set(key, label(e));
    }
  });

  it('never lists a general entry before a more specific one it would hide', () => {
    for (let j = 0; j < entries.length; j++) {
      for (let i = 0; i < j; i++) {
        expect(shadows(entries[i]!, entries[j]!), `${label(entries[j]!)} is unreachable behind ${label(entries[i]!)}`).toBe(false);
      }
    }
  });

  it('detects shadowing in a deliberately misordered pair', () => {
    const general: LifecycleEntry = { family: 'windows', cycle: 'g', match: { builds: [19044] }, eol: '2023-06-13', source: 'x' };
    const specific: LifecycleEntry = { family: 'windows', cycle: 's', match: { builds: [19044], editionIncludes: ['LTSC'] }, eol: '2027-01-12', source: 'x' };
    expect(shadows(general, specific)).toBe(true);
    expect(shadows(specific, general)).toBe(false);
    const major: LifecycleEntry = { family: 'rhel', cycle: 'm', match: { versions: ['9'] }, eol: '2032-05-31', source: 'x' };
    const minor: LifecycleEntry = { family: 'rhel', cycle: 'n', match: { versions: ['9.4'] }, eol: '2032-05-31', source: 'x' };
    expect(shadows(major, minor)).toBe(true);
    expect(shadows(minor, major)).toBe(false);
  });

  it('marks macOS dates after the compilation date as estimates', () => {
    for (const e of entries.filter((x) => x.family === 'macos' && x.eol !== null && x.eol > COMPILED)) {
      expect(e.note ?? '', label(e)).toMatch(/estimate/i);
    }
  });

  it('keeps docs/OS-LIFECYCLE.md generated from the JSON (run node dist/scripts/gen-lifecycle-doc.js when this fails)', () => {
    const json = readFileSync(new URL('protocol/catalogue/os-lifecycle.json', root), 'utf8');
    expect(readFileSync(new URL('docs/OS-LIFECYCLE.md', root), 'utf8')).toBe(renderLifecycleDoc(json));
    expect(renderLifecycleDoc(JSON.parse(json))).toBe(renderLifecycleDoc(json));
  });
});
