// Derives TypeScript modules from the data sources in protocol/catalogue/:
//  - annex-a-2022.json → annex-a-2022.ts: ISO/IEC 27001:2022 Annex A ids, titles, themes, 2013
//    correspondence and the check mappings with their HIPAA / NIST SP 800-53r5 / CIS v8 crosswalks;
//  - os-lifecycle.json → os-lifecycle.ts: end-of-support dates per OS cycle, with sources and date.
// Code imports the generated modules (JSON imports still warn on Node 20); a test fails when a pair
// drifts. Run: npm run build && npm run gen:catalogue
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const dir = join(root, 'protocol', 'catalogue');

export function renderAnnexA(sourceText: string): string {
  const data = JSON.parse(sourceText) as Record<string, unknown>;
  const pick = {
    standard: data.standard,
    compiled: data.compiled,
    mapping_policy: data.mapping_policy,
    licensing_note: data.licensing_note,
    controls: data.controls,
    endpoint_check_mappings: data.endpoint_check_mappings,
  };
  return `// GENERATED from annex-a-2022.json by scripts/gen-catalogue.ts. Do not edit by hand.
import type { AnnexACatalogue } from './types.js';

export const ANNEX_A_2022: AnnexACatalogue = ${JSON.stringify(pick, null, 2)};
`;
}

export function renderLifecycle(sourceText: string): string {
  const data = JSON.parse(sourceText) as unknown;
  return `// GENERATED from os-lifecycle.json by scripts/gen-catalogue.ts. Do not edit by hand.
import type { LifecycleCatalogue } from './types.js';

export const OS_LIFECYCLE: LifecycleCatalogue = ${JSON.stringify(data, null, 2)};
`;
}

export const GENERATED = [
  { source: 'annex-a-2022.json', target: 'annex-a-2022.ts', render: renderAnnexA },
  { source: 'os-lifecycle.json', target: 'os-lifecycle.ts', render: renderLifecycle },
];

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const g of GENERATED) {
    writeFileSync(join(dir, g.target), g.render(readFileSync(join(dir, g.source), 'utf8')));
    console.log(`wrote ${join(dir, g.target)}`);
  }
}
