// Derives docs/CONTROLS.md from protocol/catalogue/annex-a-2022.json, the single data source for the
// Annex A controls, their 2013 correspondence and the check mappings with their crosswalks. A test
// fails when the committed document differs from this rendering. Run: npm run build && node dist/scripts/gen-controls-doc.js
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import type { AnnexACatalogue, CheckMapping } from '../protocol/catalogue/types.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Markdown table cell: pipes and line breaks would break the table. */
function md(value: unknown): string {
  return String(value ?? '').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function table(headers: string[], rows: unknown[][]): string {
  return [`| ${headers.join(' | ')} |`, `|${headers.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(md).join(' | ')} |`)].join('\n');
}

function checkSection(m: CheckMapping, titleOf: (id: string) => string): string {
  const iso = (ids: string[]) => ids.map((id) => `A.${id} ${titleOf(id)}`).join('; ') || '—';
  const parts = [
    `### \`${m.id}\` — ${md(m.name)}`,
    '',
    `Evidence: ${md(m.evidence)}`,
    '',
    table(
      ['Framework', 'Mapped to'],
      [
        ['ISO/IEC 27001:2022 primary', iso(m.iso27001_2022.primary)],
        ['ISO/IEC 27001:2022 secondary', iso(m.iso27001_2022.secondary)],
        ['HIPAA Security Rule', m.hipaa_security_rule.map((h) => `${h.cite} ${h.title}`).join('; ')],
        ['NIST SP 800-53 rev5', m.nist_800_53_r5.map((n) => `${n.id} ${n.title}`).join('; ')],
        ['CIS Controls v8', m.cis_controls_v8.map((c) => `${c.id} ${c.title} (${c.ig})`).join('; ')],
        ...(m.mds2_2019?.length ? [['MDS2 (ANSI/NEMA HN 1-2019)', m.mds2_2019.join(', ')]] : []),
      ],
    ),
    '',
    `Rationale: ${md(m.iso27001_2022.rationale)}`,
  ];
  if (m.notes) parts.push('', `Notes: ${md(m.notes)}`);
  return parts.join('\n');
}

export function renderControlsDoc(sourceText: string, checkIds: readonly string[]): string {
  const data = JSON.parse(sourceText) as AnnexACatalogue;
  const titles = new Map(data.controls.map((c) => [c.id, c.title]));
  const titleOf = (id: string) => titles.get(id) ?? '?';
  const evidencedBy = new Map<string, string[]>();
  for (const m of data.endpoint_check_mappings) {
    for (const [strength, ids] of [['primary', m.iso27001_2022.primary], ['secondary', m.iso27001_2022.secondary]] as const) {
      for (const id of ids) evidencedBy.set(id, [...(evidencedBy.get(id) ?? []), `\`${m.id}\` (${strength})`]);
    }
  }
  const runs = new Set(checkIds);
  const checks = data.endpoint_check_mappings;
  const themes = [...new Set(data.controls.map((c) => c.theme))];
  const withChecks = data.controls.filter((c) => evidencedBy.has(c.id)).length;

  return `# ISO/IEC 27001:2022 Annex A controls and the checks that evidence them

Derived from \`protocol/catalogue/annex-a-2022.json\` (the single data source; the code reads the same data
through \`protocol/catalogue/annex-a-2022.ts\`) by \`scripts/gen-controls-doc.ts\`; a test fails when this
document and the data drift apart.

${md(data.mapping_policy)} ${withChecks} of the ${data.controls.length} controls have automated evidence from
at least one check; the others need manual evidence only (see \`vigil-collector soa\`).

Licensing: ${md(data.licensing_note)}

## Checks

${table(
  ['Check', 'Runs in this version', 'ISO 2022 primary', 'ISO 2022 secondary', 'HIPAA', 'NIST 800-53r5', 'CIS v8'],
  checks.map((m) => [
    `\`${m.id}\``,
    runs.has(m.id) ? 'yes' : 'not yet',
    m.iso27001_2022.primary.map((id) => `A.${id}`).join(', '),
    m.iso27001_2022.secondary.map((id) => `A.${id}`).join(', '),
    m.hipaa_security_rule.map((h) => h.cite.replace(/^45 CFR /, '')).join(', '),
    m.nist_800_53_r5.map((n) => n.id).join(', '),
    m.cis_controls_v8.map((c) => c.id).join(', '),
  ]),
)}

${checks.map((m) => checkSection(m, titleOf)).join('\n\n')}

## Controls

${themes
  .map(
    (theme) => `### ${theme} controls

${table(
  ['Control', 'Title', 'New in 2022', 'ISO/IEC 27001:2013', 'Automated evidence'],
  data.controls
    .filter((c) => c.theme === theme)
    .map((c) => [
      c.ref,
      c.title_27002 ? `${c.title} (27002: ${c.title_27002})` : c.title,
      c.new_in_2022 ? 'yes' : '',
      c.iso27001_2013.map((o) => `${o.id} ${o.title}`).join('; ') || '—',
      evidencedBy.get(c.id)?.join(', ') ?? 'manual evidence only',
    ]),
)}`,
  )
  .join('\n\n')}
`;
}

export const CONTROLS_DOC = { source: 'protocol/catalogue/annex-a-2022.json', target: 'docs/CONTROLS.md' };

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { CHECK_IDS } = await import('../protocol/checks/index.js');
  writeFileSync(join(root, CONTROLS_DOC.target), renderControlsDoc(readFileSync(join(root, CONTROLS_DOC.source), 'utf8'), CHECK_IDS));
  console.log(`wrote ${join(root, CONTROLS_DOC.target)}`);
}
