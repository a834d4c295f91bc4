// Derives protocol/catalogue/annex-a-2022.ts from the data source protocol/catalogue/annex-a-2022.json
// (ISO/IEC 27001:2022 Annex A ids, titles, themes, 2013 correspondence and the check mappings with their
// HIPAA / NIST SP 800-53r5 / CIS v8 crosswalks). Code imports the generated module; a test fails when the
// two drift. Run: npm run build && npm run gen:catalogue
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SOURCE = join(root, 'protocol', 'catalogue', 'annex-a-2022.json');
export const TARGET = join(root, 'protocol', 'catalogue', 'annex-a-2022.ts');

export function render(sourceText: string): string {
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

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(TARGET, render(readFileSync(SOURCE, 'utf8')));
  console.log(`wrote ${TARGET}`);
}
