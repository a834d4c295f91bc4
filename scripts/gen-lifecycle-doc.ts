// Derives docs/OS-LIFECYCLE.md, the human-readable view of the OS lifecycle catalogue, from
// protocol/catalogue/os-lifecycle.json (the data the os_eol check ships with). A test fails when the
// committed document drifts from the data. Run: npm run build && node dist/scripts/gen-lifecycle-doc.js
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import type { LifecycleCatalogue, LifecycleEntry } from '../protocol/catalogue/types.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Section titles per family; families missing here are listed under their id, after these. */
const FAMILY_TITLES: Record<string, string> = {
  windows: 'Windows client',
  'windows-server': 'Windows Server',
  macos: 'macOS',
  ubuntu: 'Ubuntu',
  debian: 'Debian',
  rhel: 'Red Hat Enterprise Linux',
  rocky: 'Rocky Linux',
  almalinux: 'AlmaLinux OS',
  centos: 'CentOS Linux and CentOS Stream',
  sles: 'SUSE Linux Enterprise Server',
  'opensuse-leap': 'openSUSE Leap',
  amzn: 'Amazon Linux',
  fedora: 'Fedora Linux',
  alpine: 'Alpine Linux',
};

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
const list = (xs: (string | number)[]): string => xs.map(String).join(', ');
const either = (xs: string[]): string => xs.map((x) => `"${x}"`).join(' or ');

function describeMatch(m: LifecycleEntry['match']): string {
  const parts: string[] = [];
  if (m.versions) parts.push(`${m.versions.length > 1 ? 'versions' : 'version'} ${list(m.versions)}`);
  if (m.builds) parts.push(`${m.builds.length > 1 ? 'builds' : 'build'} ${list(m.builds)}`);
  const inc = m.editionIncludes ? `edition has ${either(m.editionIncludes)}` : '';
  const exc = m.editionExcludes ? `${inc ? ' but not' : 'edition has neither'} ${either(m.editionExcludes)}` : '';
  if (inc || exc) parts.push(inc + exc);
  return parts.join('; ') || 'any';
}

function statusAt(e: LifecycleEntry, compiled: string): string {
  if (e.eol === null) return 'rolling';
  if (e.eol >= compiled) return 'supported';
  if (e.extendedEol && e.extendedEol >= compiled) return `${e.extendedName ?? 'extended'} only`;
  return 'ended';
}

/** Renders the catalogue (JSON text or parsed) as Markdown: one table per family, in match order. */
export function renderLifecycleDoc(json: string | LifecycleCatalogue): string {
  const cat: LifecycleCatalogue = typeof json === 'string' ? (JSON.parse(json) as LifecycleCatalogue) : json;
  const families = [...new Set(cat.entries.map((e) => e.family))];
  const known = Object.keys(FAMILY_TITLES);
  families.sort((a, b) => {
    const ia = known.indexOf(a);
    const ib = known.indexOf(b);
    return (ia < 0 ? known.length : ia) - (ib < 0 ? known.length : ib);
  });

  const out: string[] = [
    '<!-- GENERATED from protocol/catalogue/os-lifecycle.json by scripts/gen-lifecycle-doc.ts. Do not edit by hand:',
    '     change the JSON, then run `npm run build && npm run -s gen:catalogue && node dist/scripts/gen-lifecycle-doc.js`. -->',
    '',
    '# Operating system lifecycle catalogue',
    '',
    `Compiled ${cat.compiled}. This is the data the \`os_eol\` check evaluates devices against; the agent ships it, so`,
    'a device is judged by the catalogue its agent carries, not by a live lookup.',
    '',
    '- **Support ends** is the last day of regular security updates (`eol`). For Microsoft LTSC/LTSB and Windows Server',
    '  this is the end of extended support, the last Patch Tuesday with security updates.',
    '- **Extended** is a paid or separately provided programme (ESU, ESM, LTSS, ELS, Debian LTS). The check counts it',
    '  only when the policy sets `allowExtendedSupport`.',
    `- **At ${cat.compiled}** is the state on the compilation date: supported, extended only, or ended.`,
    '- Rows are in match order. A device takes the first row of its family whose version prefix, build and edition',
    '  conditions all hold, so specific editions (IoT, LTSC, Enterprise/Education) come before general ones. Edition',
    '  conditions are case-insensitive substrings of the reported edition. A device matching no row is `unknown`.',
    '- Apple publishes no end dates; macOS rows for current versions are estimates, marked as such in their notes.',
    '',
  ];

  for (const family of families) {
    const rows = cat.entries.filter((e) => e.family === family);
    out.push(`## ${FAMILY_TITLES[family] ?? family} (\`${family}\`)`, '');
    out.push(`| Cycle | Matches | Support ends | Extended | At ${cat.compiled} | Source |`);
    out.push('| --- | --- | --- | --- | --- | --- |');
    for (const e of rows) {
      const ext = e.extendedEol ? `${e.extendedEol} (${e.extendedName ?? 'extended'})` : '–';
      out.push(`| ${cell(e.cycle)} | ${cell(describeMatch(e.match))} | ${e.eol ?? 'rolling'} | ${cell(ext)} | ${statusAt(e, cat.compiled)} | ${cell(e.source)} |`);
    }
    const notes = rows.filter((e) => e.note);
    if (notes.length) {
      out.push('', 'Notes:', '');
      for (const e of notes) out.push(`- ${e.cycle}: ${(e.note ?? '').replace(/\r?\n/g, ' ')}`);
    }
    out.push('');
  }

  out.push('## Sources', '', '| Id | Title |', '| --- | --- |');
  for (const s of cat.sources) out.push(`| ${cell(s.id)} | [${cell(s.title).replace(/[[\]]/g, '')}](${s.url}) |`);
  out.push('');
  return out.join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const text = readFileSync(join(root, 'protocol', 'catalogue', 'os-lifecycle.json'), 'utf8');
  mkdirSync(join(root, 'docs'), { recursive: true });
  const target = join(root, 'docs', 'OS-LIFECYCLE.md');
  writeFileSync(target, renderLifecycleDoc(text));
  console.log(`wrote ${target}`);
}
